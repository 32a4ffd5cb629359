package org.medclip.training.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.medclip.clip.ClipConfig;

/**
 * The explicit table of every learnable CLIP tensor: its Hugging Face state-dict key, its shape (HF
 * layout, which equals DJL's: Linear weight is [out, in], Conv2d [out, in, kh, kw]), its kind
 * (which drives weight decay) and its HF {@code _init_weights} distribution.
 *
 * <p>The DJL model names each {@link ai.djl.nn.Parameter} with exactly this key, so mapping DJL to
 * HF is the identity on names and needs no transposes. The {@code position_ids} buffers of HF
 * checkpoints are not parameters and are not listed (see {@link #isIgnoredKey}).
 *
 * <p>For {@link ClipConfig#vitBasePatch32()} the table has 398 tensors and 151,277,313 values.
 */
public final class HfKeyMap {

  /** Role of a tensor; decides weight decay and initialisation. */
  public enum Kind {
    /** Linear or projection weight [out, in]: decayed, N(0, std). */
    LINEAR_WEIGHT(true),
    /** Patch-embedding Conv2d weight [out, 3, p, p] (no bias): decayed, N(0, std). */
    CONV_WEIGHT(true),
    /** Linear bias: not decayed, zeros. */
    LINEAR_BIAS(false),
    /** LayerNorm gamma: not decayed, ones. */
    NORM_WEIGHT(false),
    /** LayerNorm beta: not decayed, zeros. */
    NORM_BIAS(false),
    /** Token or position embedding table: not decayed, N(0, std). */
    EMBEDDING(false),
    /** Vision class token [E]: not decayed, N(0, E^-0.5). */
    CLASS_EMBEDDING(false),
    /** Learnable log temperature (scalar): not decayed, constant init. */
    LOGIT_SCALE(false);

    private final boolean decayed;

    Kind(boolean decayed) {
      this.decayed = decayed;
    }

    /** Whether AdamW's decoupled weight decay applies to tensors of this kind. */
    public boolean decayed() {
      return decayed;
    }
  }

  /**
   * One learnable tensor.
   *
   * @param key HF state-dict key, also the DJL parameter name
   * @param shape HF/DJL shape (empty for the scalar logit scale)
   * @param kind role of the tensor
   * @param init for N(0, std) kinds the standard deviation; for {@link Kind#LOGIT_SCALE} the
   *     constant initial value; unused (ones/zeros) otherwise
   */
  public record Entry(String key, long[] shape, Kind kind, double init) {
    /** Number of scalar values. */
    public long numel() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }
  }

  private HfKeyMap() {}

  /** Whether an HF checkpoint key is a non-parameter buffer that import must skip. */
  public static boolean isIgnoredKey(String key) {
    return key.endsWith("position_ids");
  }

  /**
   * All learnable tensors of {@code config}, in a fixed order (text, vision, projections, scale).
   */
  public static List<Entry> entries(ClipConfig config) {
    List<Entry> out = new ArrayList<>();
    ClipConfig.TextConfig t = config.text();
    ClipConfig.VisionConfig v = config.vision();
    int proj = config.projectionDim();

    // PyTorch's named_parameters() order: CLIPModel's own logit_scale first, then its children in
    // declaration order (text_model, vision_model, visual_projection, text_projection).
    out.add(new Entry("logit_scale", new long[0], Kind.LOGIT_SCALE, config.logitScaleInit()));

    // Text tower.
    out.add(
        new Entry(
            "text_model.embeddings.token_embedding.weight",
            shape(t.vocabSize(), t.hiddenSize()),
            Kind.EMBEDDING,
            0.02));
    out.add(
        new Entry(
            "text_model.embeddings.position_embedding.weight",
            shape(t.maxPositions(), t.hiddenSize()),
            Kind.EMBEDDING,
            0.02));
    for (int i = 0; i < t.numLayers(); i++) {
      addLayer(
          out,
          "text_model.encoder.layers." + i + ".",
          t.hiddenSize(),
          t.intermediateSize(),
          t.numLayers());
    }
    addNorm(out, "text_model.final_layer_norm", t.hiddenSize());

    // Vision tower.
    int e = v.hiddenSize();
    out.add(
        new Entry(
            "vision_model.embeddings.class_embedding",
            shape(e),
            Kind.CLASS_EMBEDDING,
            Math.pow(e, -0.5)));
    out.add(
        new Entry(
            "vision_model.embeddings.patch_embedding.weight",
            shape(e, v.numChannels(), v.patchSize(), v.patchSize()),
            Kind.CONV_WEIGHT,
            0.02));
    out.add(
        new Entry(
            "vision_model.embeddings.position_embedding.weight",
            shape(v.numPositions(), e),
            Kind.EMBEDDING,
            0.02));
    addNorm(out, "vision_model.pre_layrnorm", e);
    for (int i = 0; i < v.numLayers(); i++) {
      addLayer(
          out, "vision_model.encoder.layers." + i + ".", e, v.intermediateSize(), v.numLayers());
    }
    addNorm(out, "vision_model.post_layernorm", e);

    // Heads.
    out.add(
        new Entry(
            "visual_projection.weight", shape(proj, e), Kind.LINEAR_WEIGHT, Math.pow(e, -0.5)));
    out.add(
        new Entry(
            "text_projection.weight",
            shape(proj, t.hiddenSize()),
            Kind.LINEAR_WEIGHT,
            Math.pow(t.hiddenSize(), -0.5)));
    return Collections.unmodifiableList(out);
  }

  /** {@link #entries} keyed by HF key, in the same order. */
  public static Map<String, Entry> byKey(ClipConfig config) {
    Map<String, Entry> map = new LinkedHashMap<>();
    for (Entry entry : entries(config)) {
      map.put(entry.key(), entry);
    }
    return Collections.unmodifiableMap(map);
  }

  /** Total number of learnable scalars. */
  public static long parameterCount(ClipConfig config) {
    long n = 0;
    for (Entry entry : entries(config)) {
      n += entry.numel();
    }
    return n;
  }

  /**
   * One pre-LN encoder layer; HF init: q/k/v and fc2 E^-0.5 (2L)^-0.5, out E^-0.5, fc1 (2E)^-0.5.
   */
  private static void addLayer(List<Entry> out, String prefix, int e, int mlp, int layers) {
    double inProjStd = Math.pow(e, -0.5) * Math.pow(2.0 * layers, -0.5);
    double outProjStd = Math.pow(e, -0.5);
    double fc1Std = Math.pow(2.0 * e, -0.5);
    // CLIPAttention declares k, v, q, out (in that order).
    for (String p : new String[] {"k_proj", "v_proj", "q_proj", "out_proj"}) {
      double std = p.equals("out_proj") ? outProjStd : inProjStd;
      String k = prefix + "self_attn." + p;
      out.add(new Entry(k + ".weight", shape(e, e), Kind.LINEAR_WEIGHT, std));
      out.add(new Entry(k + ".bias", shape(e), Kind.LINEAR_BIAS, 0));
    }
    addNorm(out, prefix + "layer_norm1", e);
    out.add(new Entry(prefix + "mlp.fc1.weight", shape(mlp, e), Kind.LINEAR_WEIGHT, fc1Std));
    out.add(new Entry(prefix + "mlp.fc1.bias", shape(mlp), Kind.LINEAR_BIAS, 0));
    out.add(new Entry(prefix + "mlp.fc2.weight", shape(e, mlp), Kind.LINEAR_WEIGHT, inProjStd));
    out.add(new Entry(prefix + "mlp.fc2.bias", shape(e), Kind.LINEAR_BIAS, 0));
    addNorm(out, prefix + "layer_norm2", e);
  }

  private static void addNorm(List<Entry> out, String prefix, int e) {
    out.add(new Entry(prefix + ".weight", shape(e), Kind.NORM_WEIGHT, 1));
    out.add(new Entry(prefix + ".bias", shape(e), Kind.NORM_BIAS, 0));
  }

  private static long[] shape(long... dims) {
    return dims;
  }
}
