package org.medclip.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * CLIP's pre-LN transformer layer ({@code CLIPEncoderLayer}):
 *
 * <pre>
 * h = h + out_proj(attention(layer_norm1(h), mask))
 * h = h + fc2(act(fc1(layer_norm2(h))))
 * </pre>
 *
 * Attention has separate q/k/v Linear layers with bias, scores {@code (q k^T) * head_dim^-0.5 +
 * mask}, softmax in float32. No dropout. Input {@code [B, S, E]} float32, optional second input an
 * additive mask broadcastable to {@code [B, heads, S, S]}; output {@code [B, S, E]}.
 */
final class ClipEncoderLayer extends AbstractBlock {
  private final int hidden;
  private final int heads;
  private final float eps;
  private final boolean quickGelu;
  private final Parameter ln1w;
  private final Parameter ln1b;
  private final Parameter qw;
  private final Parameter qb;
  private final Parameter kw;
  private final Parameter kb;
  private final Parameter vw;
  private final Parameter vb;
  private final Parameter ow;
  private final Parameter ob;
  private final Parameter ln2w;
  private final Parameter ln2b;
  private final Parameter fc1w;
  private final Parameter fc1b;
  private final Parameter fc2w;
  private final Parameter fc2b;

  /**
   * @param prefix HF key prefix ending with a dot, e.g. {@code text_model.encoder.layers.0.}
   */
  ClipEncoderLayer(
      ParamRegistry reg, String prefix, int hidden, int heads, double eps, String hiddenAct) {
    this.hidden = hidden;
    this.heads = heads;
    this.eps = (float) eps;
    this.quickGelu = "quick_gelu".equals(hiddenAct);
    String a = prefix + "self_attn.";
    qw = addParameter(reg.create(a + "q_proj.weight"));
    qb = addParameter(reg.create(a + "q_proj.bias"));
    kw = addParameter(reg.create(a + "k_proj.weight"));
    kb = addParameter(reg.create(a + "k_proj.bias"));
    vw = addParameter(reg.create(a + "v_proj.weight"));
    vb = addParameter(reg.create(a + "v_proj.bias"));
    ow = addParameter(reg.create(a + "out_proj.weight"));
    ob = addParameter(reg.create(a + "out_proj.bias"));
    ln1w = addParameter(reg.create(prefix + "layer_norm1.weight"));
    ln1b = addParameter(reg.create(prefix + "layer_norm1.bias"));
    fc1w = addParameter(reg.create(prefix + "mlp.fc1.weight"));
    fc1b = addParameter(reg.create(prefix + "mlp.fc1.bias"));
    fc2w = addParameter(reg.create(prefix + "mlp.fc2.weight"));
    fc2b = addParameter(reg.create(prefix + "mlp.fc2.bias"));
    ln2w = addParameter(reg.create(prefix + "layer_norm2.weight"));
    ln2b = addParameter(reg.create(prefix + "layer_norm2.bias"));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    NDArray mask = inputs.size() > 1 ? inputs.get(1) : null;
    return new NDList(forward(ps, x, mask, training));
  }

  NDArray forward(ParameterStore ps, NDArray x, NDArray mask, boolean training) {
    NDArray h = Nd.layerNorm(x, v(ps, ln1w, x, training), v(ps, ln1b, x, training), eps);
    h = x.add(attention(ps, h, mask, training));
    NDArray m = Nd.layerNorm(h, v(ps, ln2w, h, training), v(ps, ln2b, h, training), eps);
    m = Nd.linear(m, v(ps, fc1w, m, training), v(ps, fc1b, m, training));
    m = activation(m);
    m = Nd.linear(m, v(ps, fc2w, m, training), v(ps, fc2b, m, training));
    return h.add(m);
  }

  private NDArray attention(ParameterStore ps, NDArray h, NDArray mask, boolean training) {
    Shape s = h.getShape();
    long b = s.get(0);
    long seq = s.get(1);
    int headDim = hidden / heads;
    NDArray q = heads(Nd.linear(h, v(ps, qw, h, training), v(ps, qb, h, training)), b, seq);
    NDArray k = heads(Nd.linear(h, v(ps, kw, h, training), v(ps, kb, h, training)), b, seq);
    NDArray val = heads(Nd.linear(h, v(ps, vw, h, training), v(ps, vb, h, training)), b, seq);
    NDArray scores =
        Nd.mulScalar(q.matMul(k.transpose(0, 1, 3, 2)), (float) Math.pow(headDim, -0.5));
    if (mask != null) {
      scores = scores.add(mask);
    }
    // Activations are float32 throughout, so the softmax is computed in float32.
    NDArray probs = scores.softmax(-1);
    NDArray ctx = probs.matMul(val).transpose(0, 2, 1, 3).reshape(b, seq, hidden);
    return Nd.linear(ctx, v(ps, ow, ctx, training), v(ps, ob, ctx, training));
  }

  /** [B, S, E] -> [B, heads, S, head_dim]. */
  private NDArray heads(NDArray x, long b, long seq) {
    return x.reshape(b, seq, heads, hidden / heads).transpose(0, 2, 1, 3);
  }

  private NDArray activation(NDArray x) {
    if (quickGelu) {
      // QuickGELU(x) = x * sigmoid(1.702 x)
      return x.mul(Activation.sigmoid(Nd.mulScalar(x, 1.702f)));
    }
    return Activation.gelu(x); // exact erf GELU
  }

  private static NDArray v(ParameterStore ps, Parameter p, NDArray like, boolean training) {
    return Nd.value(ps, p, like, training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    // no children
  }
}
