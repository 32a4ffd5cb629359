package org.medclip.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.medclip.clip.ClipConfig;

/**
 * The causal text transformer ({@code CLIPTextTransformer}): token plus position embeddings, the
 * encoder under a causal additive mask, {@code final_layer_norm} over the whole sequence, and
 * pooling at the FIRST end-of-text token of each row. Input {@code [B, L]} int64 token ids with
 * {@code L <= max_position_embeddings}; output the pooled {@code [B, E]} (before {@code
 * text_projection}). A row without an end token pools position 0, as HF's argmax does.
 */
final class ClipTextTower extends AbstractBlock {
  /** Additive mask value above the diagonal; exp() of it underflows to exactly 0 in float32. */
  static final float MASK_VALUE = -1e9f;

  private final ClipConfig.TextConfig cfg;
  private final float eps;
  private final Parameter tokenEmbedding;
  private final Parameter positionEmbedding;
  private final List<ClipEncoderLayer> layers = new ArrayList<>();
  private final Parameter finalLnW;
  private final Parameter finalLnB;
  private final Map<Integer, float[]> masks = new ConcurrentHashMap<>();

  ClipTextTower(ParamRegistry reg, ClipConfig.TextConfig cfg) {
    this.cfg = cfg;
    this.eps = (float) cfg.layerNormEps();
    String p = "text_model.";
    tokenEmbedding = addParameter(reg.create(p + "embeddings.token_embedding.weight"));
    positionEmbedding = addParameter(reg.create(p + "embeddings.position_embedding.weight"));
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
    finalLnW = addParameter(reg.create(p + "final_layer_norm.weight"));
    finalLnB = addParameter(reg.create(p + "final_layer_norm.bias"));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(forward(ps, inputs.singletonOrThrow(), training));
  }

  /**
   * Token ids [B, L] int64 -> final-LayerNorm hidden state at the first EOS of each row, [B, E].
   */
  NDArray forward(ParameterStore ps, NDArray ids, boolean training) {
    Shape in = ids.getShape();
    if (in.dimension() != 2 || in.get(1) < 1 || in.get(1) > cfg.maxPositions()) {
      throw new IllegalArgumentException(
          "input ids must be [N, L] with 1 <= L <= " + cfg.maxPositions() + ", got " + in);
    }
    if (ids.getDataType() != DataType.INT64) {
      throw new IllegalArgumentException("input ids must be int64, got " + ids.getDataType());
    }
    NDManager m = ids.getManager();
    long b = in.get(0);
    int len = (int) in.get(1);
    int e = cfg.hiddenSize();
    NDArray tokW = v(ps, tokenEmbedding, ids, training);
    NDArray h = ids.getNDArrayInternal().embedding(ids, tokW, SparseFormat.DENSE).head();
    NDArray pos = Nd.into(v(ps, positionEmbedding, ids, training).get(new NDIndex(":{}", len)), m);
    h = h.add(pos); // [B, L, E]
    NDArray mask = Nd.ownedFloats(m, causalMask(len), new Shape(1, 1, len, len));
    for (ClipEncoderLayer layer : layers) {
      h = layer.forward(ps, h, mask, training);
    }
    h = Nd.layerNorm(h, v(ps, finalLnW, h, training), v(ps, finalLnB, h, training), eps);
    // First occurrence of EOS per row (argmax returns the first maximal index).
    NDArray eosAt = ids.eq(cfg.eosTokenId()).toType(DataType.INT32, false).argMax(1); // [B]
    NDArray index = eosAt.reshape(b, 1, 1).broadcast(new Shape(b, 1, e));
    return h.gather(index, 1).reshape(b, e);
  }

  /** Row-major [L, L]: 0 on and below the diagonal, {@link #MASK_VALUE} above. */
  private float[] causalMask(int len) {
    return masks.computeIfAbsent(
        len,
        n -> {
          float[] mask = new float[n * n];
          for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
              mask[i * n + j] = MASK_VALUE;
            }
          }
          return mask;
        });
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
