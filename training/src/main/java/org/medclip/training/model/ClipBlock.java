package org.medclip.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Map;
import org.medclip.clip.ClipConfig;

/**
 * The whole CLIP model as one DJL block ({@code CLIPModel}). Forward takes {@code (pixel_values
 * [B,3,S,S] float32, input_ids [B,L] int64)} and returns {@code (image_embeds [B,D], text_embeds
 * [B,D], logit_scale [])}, embeddings L2-normalised per row; {@code logit_scale} is the raw (log)
 * parameter, the logits use its exp.
 */
final class ClipBlock extends AbstractBlock {
  private final ClipConfig config;
  private final Map<String, Parameter> params;
  private final ClipVisionTower vision;
  private final ClipTextTower text;
  private final Parameter visualProjection;
  private final Parameter textProjection;
  private final Parameter logitScale;

  ClipBlock(ClipConfig config) {
    this.config = config;
    ParamRegistry reg = new ParamRegistry(config);
    text = addChildBlock("text_model", new ClipTextTower(reg, config.text()));
    vision = addChildBlock("vision_model", new ClipVisionTower(reg, config.vision()));
    visualProjection = addParameter(reg.create("visual_projection.weight"));
    textProjection = addParameter(reg.create("text_projection.weight"));
    logitScale = addParameter(reg.create("logit_scale"));
    params = reg.params();
  }

  /** All parameters by HF key. */
  Map<String, Parameter> hfParameters() {
    return params;
  }

  Parameter logitScaleParameter() {
    return logitScale;
  }

  /** [B,3,S,S] pixels -> [B,D] L2-normalised image embeddings. */
  NDArray encodeImages(ParameterStore ps, NDArray pixels, boolean training) {
    NDArray pooled = vision.forward(ps, pixels, training);
    NDArray w = Nd.value(ps, visualProjection, pooled, training);
    return l2Normalise(Nd.linear(pooled, w, null));
  }

  /** [B,L] int64 ids -> [B,D] L2-normalised text embeddings. */
  NDArray encodeTexts(ParameterStore ps, NDArray ids, boolean training) {
    NDArray pooled = text.forward(ps, ids, training);
    NDArray w = Nd.value(ps, textProjection, pooled, training);
    return l2Normalise(Nd.linear(pooled, w, null));
  }

  /** x / ||x||_2 per row of [N, D]. */
  static NDArray l2Normalise(NDArray x) {
    return x.div(x.norm(new int[] {1}, true));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray pixels = inputs.get(0);
    NDArray ids = inputs.get(1);
    return new NDList(
        encodeImages(ps, pixels, training),
        encodeTexts(ps, ids, training),
        // A copy (autograd-connected), so closing the outputs never closes the parameter.
        Nd.into(Nd.value(ps, logitScale, pixels, training).duplicate(), pixels.getManager()));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    int d = config.projectionDim();
    return new Shape[] {
      new Shape(inputShapes[0].get(0), d), new Shape(inputShapes[1].get(0), d), new Shape()
    };
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    text.initialize(manager, dataType, inputShapes);
    vision.initialize(manager, dataType, inputShapes);
  }
}
