package org.medclip.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.medclip.clip.ClipConfig;

/**
 * The ViT image tower ({@code CLIPVisionTransformer}): patch Conv2d without bias, class token,
 * position embeddings, {@code pre_layrnorm}, pre-LN encoder, {@code post_layernorm} on the class
 * token. Input {@code [B, 3, S, S]} float32 pixel values (already CLIP-normalised); output the
 * pooled {@code [B, E]} (before {@code visual_projection}).
 */
final class ClipVisionTower extends AbstractBlock {
  private final ClipConfig.VisionConfig cfg;
  private final float eps;
  private final Parameter classEmbedding;
  private final Parameter patchEmbedding;
  private final Parameter positionEmbedding;
  private final Parameter preLnW;
  private final Parameter preLnB;
  private final List<ClipEncoderLayer> layers = new ArrayList<>();
  private final Parameter postLnW;
  private final Parameter postLnB;

  ClipVisionTower(ParamRegistry reg, ClipConfig.VisionConfig cfg) {
    this.cfg = cfg;
    this.eps = (float) cfg.layerNormEps();
    String p = "vision_model.";
    classEmbedding = addParameter(reg.create(p + "embeddings.class_embedding"));
    patchEmbedding = addParameter(reg.create(p + "embeddings.patch_embedding.weight"));
    positionEmbedding = addParameter(reg.create(p + "embeddings.position_embedding.weight"));
    preLnW = addParameter(reg.create(p + "pre_layrnorm.weight"));
    preLnB = addParameter(reg.create(p + "pre_layrnorm.bias"));
    for (int i = 0; i < cfg.numLayers(); i++) {
      layers.add(
          addChildBlock(
              "layer" + i,
              new ClipEncoderLayer(
                  reg,
                  p + "encoder.layers." + i + ".",
                  cfg.hiddenSize(),
                  cfg.numHeads(),
                  cfg.layerNormEps(),
                  cfg.hiddenAct())));
    }
    postLnW = addParameter(reg.create(p + "post_layernorm.weight"));
    postLnB = addParameter(reg.create(p + "post_layernorm.bias"));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(forward(ps, inputs.singletonOrThrow(), training));
  }

  /** Pixel values [B, 3, S, S] -> pooled, post-LayerNorm class token [B, E]. */
  NDArray forward(ParameterStore ps, NDArray pixels, boolean training) {
    Shape in = pixels.getShape();
    int s = cfg.imageSize();
    if (in.dimension() != 4 || in.get(1) != cfg.numChannels() || in.get(2) != s || in.get(3) != s) {
      throw new IllegalArgumentException(
          "pixel values must be [N, " + cfg.numChannels() + ", " + s + ", " + s + "], got " + in);
    }
    NDManager m = pixels.getManager();
    long b = in.get(0);
    int e = cfg.hiddenSize();
    int patch = cfg.patchSize();
    NDArray x =
        Conv2d.conv2d(
                pixels,
                v(ps, patchEmbedding, pixels, training),
                null,
                new Shape(patch, patch),
                new Shape(0, 0),
                new Shape(1, 1),
                1)
            .head(); // [B, E, g, g]
    x = x.reshape(b, e, (long) cfg.gridSize() * cfg.gridSize()).transpose(0, 2, 1); // [B, g*g, E]
    NDArray cls =
        Nd.into(v(ps, classEmbedding, pixels, training).reshape(1, 1, e), m)
            .broadcast(new Shape(b, 1, e));
    x = NDArrays.concat(new NDList(cls, x), 1); // [B, P, E], class token first
    x = x.add(v(ps, positionEmbedding, x, training));
    x = Nd.layerNorm(x, v(ps, preLnW, x, training), v(ps, preLnB, x, training), eps);
    for (ClipEncoderLayer layer : layers) {
      x = layer.forward(ps, x, null, training);
    }
    NDArray pooled = x.get(new NDIndex(":, 0, :"));
    return Nd.layerNorm(
        pooled, v(ps, postLnW, pooled, training), v(ps, postLnB, pooled, training), eps);
  }

  private static NDArray v(ParameterStore ps, Parameter p, NDArray like, boolean training) {
    return Nd.value(ps, p, like, training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), cfg.hiddenSize())};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    for (ClipEncoderLayer layer : layers) {
      layer.initialize(manager, dataType, inputShapes);
    }
  }
}
