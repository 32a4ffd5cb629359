package org.medclip.training.onnx;

import static org.medclip.training.onnx.GraphBuilder.FLOAT;
import static org.medclip.training.onnx.GraphBuilder.INT32;
import static org.medclip.training.onnx.GraphBuilder.INT64;
import static org.medclip.training.onnx.GraphBuilder.attr;
import static org.medclip.training.onnx.GraphBuilder.attrInts;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.medclip.clip.ClipConfig;
import org.medclip.training.hf.HfKeys;
import org.medclip.training.weights.NamedTensor;
import org.medclip.training.weights.StateDict;

/**
 * Writes the two CLIP towers as ONNX models from a {@link ClipConfig} and HF-named weights,
 * independent of any training engine. The graphs compute exactly HF's {@code CLIPModel} (see
 * CLIP-REFERENCE.md §2) followed by L2 normalisation:
 *
 * <ul>
 *   <li>image encoder: {@value #PIXEL_VALUES} float32 [N, 3, S, S] (preprocessed, normalised
 *       pixels) → {@value #IMAGE_EMBEDS} float32 [N, D], each row unit L2 norm;
 *   <li>text encoder: {@value #INPUT_IDS} int64 [N, L] with 1 ≤ L ≤ max positions → {@value
 *       #TEXT_EMBEDS} float32 [N, D], each row unit L2 norm. Ids after the pooled end token do not
 *       change the result (the attention mask is causal), so no attention mask input exists.
 * </ul>
 *
 * <p>Format: IR version {@value #IR_VERSION}, default-domain opset {@value #OPSET}, batch (and text
 * length) dynamic, weights as float32 initializers in little-endian {@code raw_data}. Linear
 * weights are stored transposed ([in, out], name suffix {@code .T}) and applied with MatMul; other
 * initializers keep their HF key and layout. Protobuf limits a model to 2 GiB: ViT-B/32 towers are
 * about 350 MB (image) and 250 MB (text).
 */
public final class OnnxExporter {
  /** Image encoder input name. */
  public static final String PIXEL_VALUES = "pixel_values";

  /** Image encoder output name. */
  public static final String IMAGE_EMBEDS = "image_embeds";

  /** Text encoder input name. */
  public static final String INPUT_IDS = "input_ids";

  /** Text encoder output name. */
  public static final String TEXT_EMBEDS = "text_embeds";

  /** Default-domain operator set the graphs use (LayerNormalization needs 17). */
  public static final int OPSET = 17;

  /** ONNX IR version written. */
  public static final long IR_VERSION = 8;

  /** Additive causal-mask value above the diagonal: exp underflows to exactly 0 in float32. */
  static final float MASK_VALUE = -1e9f;

  private OnnxExporter() {}

  /** Writes the image encoder to {@code out} (parent directories are created). */
  public static void exportImageEncoder(ClipConfig config, StateDict weights, Path out)
      throws IOException {
    write(imageEncoder(config, weights), out);
  }

  /**
   * Writes the text encoder, pooling at the first {@code eosTokenId} ({@link
   * TextPooling#FIRST_EOS}).
   */
  public static void exportTextEncoder(ClipConfig config, StateDict weights, Path out)
      throws IOException {
    exportTextEncoder(config, weights, TextPooling.FIRST_EOS, out);
  }

  /** Writes the text encoder with the given pooling rule (see {@link TextPooling}). */
  public static void exportTextEncoder(
      ClipConfig config, StateDict weights, TextPooling pooling, Path out) throws IOException {
    write(textEncoder(config, weights, pooling), out);
  }

  /**
   * Builds the image encoder graph.
   *
   * @throws IllegalArgumentException when a vision weight is missing or has the wrong shape
   */
  public static ModelProto imageEncoder(ClipConfig config, StateDict weights) {
    Tower t = new Tower(config, weights, new GraphBuilder("clip_image_encoder"));
    ClipConfig.VisionConfig v = config.vision();
    GraphBuilder g = t.g;
    int e = v.hiddenSize();
    int p = v.patchSize();
    int s = v.imageSize();
    g.input(PIXEL_VALUES, FLOAT, "batch", (long) v.numChannels(), (long) s, (long) s);

    // patches: [N, E, G, G] -> [N, E, G*G] -> [N, G*G, E]
    String conv =
        g.node(
            "Conv",
            "vision.patch_conv",
            PIXEL_VALUES,
            t.raw("vision_model.embeddings.patch_embedding.weight"),
            attrInts("kernel_shape", p, p),
            attrInts("strides", p, p));
    String flat = g.node("Reshape", "vision.patches_flat", conv, g.int64Vector(0, e, -1));
    String patches = g.node("Transpose", "vision.patches", flat, attrInts("perm", 0, 2, 1));

    // class token [1, 1, E] expanded to [N, 1, E], prepended: [N, T, E]
    NamedTensor cls = t.tensor("vision_model.embeddings.class_embedding");
    String clsInit =
        g.floats("vision_model.embeddings.class_embedding", new long[] {1, 1, e}, cls.data());
    String batch =
        g.node("Shape", "vision.batch", PIXEL_VALUES, attr("start", 0L), attr("end", 1L));
    String clsShape =
        g.node(
            "Concat",
            "vision.cls_shape",
            new String[] {batch, g.int64Vector(1, e)},
            attr("axis", 0L));
    String clsN = g.node("Expand", "vision.cls", clsInit, clsShape);
    String tokens =
        g.node("Concat", "vision.tokens", new String[] {clsN, patches}, attr("axis", 1L));
    String x =
        g.node(
            "Add",
            "vision.embeddings",
            tokens,
            t.raw("vision_model.embeddings.position_embedding.weight"));
    x = t.layerNorm(x, "vision_model.pre_layrnorm", v.layerNormEps());
    for (int i = 0; i < v.numLayers(); i++) {
      x =
          t.encoderLayer(
              x,
              "vision_model.encoder.layers." + i,
              e,
              v.numHeads(),
              v.hiddenAct(),
              v.layerNormEps(),
              null);
    }
    String pooled = g.node("Gather", "vision.cls_out", x, g.int64Scalar(0), attr("axis", 1L));
    pooled = t.layerNorm(pooled, "vision_model.post_layernorm", v.layerNormEps());
    String proj =
        g.node("MatMul", "vision.projected", pooled, t.transposed("visual_projection.weight"));
    g.node("LpNormalization", IMAGE_EMBEDS, proj, attr("axis", -1L), attr("p", 2L));
    g.output(IMAGE_EMBEDS, FLOAT, "batch", (long) config.projectionDim());
    return model(
        g,
        "CLIP image encoder: pixel_values [N,3,S,S] -> L2-normalised image_embeds [N,D]",
        Map.of());
  }

  /**
   * Builds the text encoder graph.
   *
   * @throws IllegalArgumentException when a text weight is missing or has the wrong shape
   */
  public static ModelProto textEncoder(ClipConfig config, StateDict weights, TextPooling pooling) {
    Objects.requireNonNull(pooling, "pooling");
    Tower t = new Tower(config, weights, new GraphBuilder("clip_text_encoder"));
    ClipConfig.TextConfig c = config.text();
    GraphBuilder g = t.g;
    int e = c.hiddenSize();
    int maxPos = c.maxPositions();
    g.input(INPUT_IDS, INT64, "batch", "sequence");

    String tok =
        g.node(
            "Gather",
            "text.token_embeds",
            t.raw("text_model.embeddings.token_embedding.weight"),
            INPUT_IDS,
            attr("axis", 0L));
    // L as a 1-element int64 vector; positions and mask are sliced to L
    String len = g.node("Shape", "text.length", INPUT_IDS, attr("start", 1L), attr("end", 2L));
    String pos =
        g.node(
            "Slice",
            "text.positions",
            new String[] {
              t.raw("text_model.embeddings.position_embedding.weight"),
              g.int64Vector(0),
              len,
              g.int64Vector(0)
            });
    String x = g.node("Add", "text.embeddings", tok, pos);

    float[] mask = new float[maxPos * maxPos];
    for (int i = 0; i < maxPos; i++) {
      for (int j = i + 1; j < maxPos; j++) {
        mask[i * maxPos + j] = MASK_VALUE;
      }
    }
    String maskFull = g.floats("text.causal_mask_full", new long[] {maxPos, maxPos}, mask);
    String lenLen = g.node("Concat", "text.mask_ends", new String[] {len, len}, attr("axis", 0L));
    String causal =
        g.node(
            "Slice",
            "text.causal_mask",
            new String[] {maskFull, g.int64Vector(0, 0), lenLen, g.int64Vector(0, 1)});

    for (int i = 0; i < c.numLayers(); i++) {
      x =
          t.encoderLayer(
              x,
              "text_model.encoder.layers." + i,
              e,
              c.numHeads(),
              c.hiddenAct(),
              c.layerNormEps(),
              causal);
    }
    x = t.layerNorm(x, "text_model.final_layer_norm", c.layerNormEps());

    // pooled index [N, 1]: ArgMax keeps the FIRST maximal index (select_last_index = 0)
    String scores =
        switch (pooling) {
          case FIRST_EOS -> {
            String eq =
                g.node(
                    "Equal",
                    "text.is_eos",
                    INPUT_IDS,
                    g.longs("text.eos_token_id", new long[0], new long[] {c.eosTokenId()}));
            yield g.node("Cast", "text.is_eos_int", eq, attr("to", (long) INT32));
          }
          case ARGMAX_IDS -> g.node("Cast", "text.ids_int", INPUT_IDS, attr("to", (long) INT32));
        };
    String index =
        g.node(
            "ArgMax",
            "text.pool_index",
            scores,
            attr("axis", 1L),
            attr("keepdims", 1L),
            attr("select_last_index", 0L));
    String pooled = g.node("GatherND", "text.pooled", x, index, attr("batch_dims", 1L));
    String proj =
        g.node("MatMul", "text.projected", pooled, t.transposed("text_projection.weight"));
    g.node("LpNormalization", TEXT_EMBEDS, proj, attr("axis", -1L), attr("p", 2L));
    g.output(TEXT_EMBEDS, FLOAT, "batch", (long) config.projectionDim());
    return model(
        g,
        "CLIP text encoder: input_ids [N,L] int64 -> L2-normalised text_embeds [N,D]",
        Map.of(
            "medclip.text_pooling",
            pooling.name(),
            "medclip.eos_token_id",
            Integer.toString(c.eosTokenId()),
            "medclip.max_positions",
            Integer.toString(maxPos)));
  }

  private static ModelProto model(GraphBuilder g, String doc, Map<String, String> metadata) {
    ModelProto.Builder m =
        ModelProto.newBuilder()
            .setIrVersion(IR_VERSION)
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
            .setProducerName("medclip")
            .setDocString(doc)
            .setGraph(g.build());
    metadata.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            en ->
                m.addMetadataProps(
                    StringStringEntryProto.newBuilder()
                        .setKey(en.getKey())
                        .setValue(en.getValue())));
    return m.build();
  }

  private static void write(ModelProto model, Path out) throws IOException {
    Path dir = out.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    // a sibling created with the umask's permissions (createTempFile would make it owner-only)
    Path tmp = dir.resolve(out.getFileName() + "." + UUID.randomUUID() + ".part");
    try {
      try (OutputStream os =
          new BufferedOutputStream(
              Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              1 << 20)) {
        model.writeTo(os);
      }
      try {
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException ex) {
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Emits the layers shared by both towers; weights are checked against {@link HfKeys}. */
  private static final class Tower {
    final GraphBuilder g;
    final StateDict weights;
    final Map<String, long[]> expected;

    Tower(ClipConfig config, StateDict weights, GraphBuilder g) {
      this.g = g;
      this.weights = Objects.requireNonNull(weights, "weights");
      this.expected = HfKeys.expectedShapes(config);
    }

    /** The tensor for {@code key}, its shape checked against the config. */
    NamedTensor tensor(String key) {
      long[] shape = expected.get(key);
      if (shape == null) {
        throw new IllegalStateException("not a CLIP parameter: " + key);
      }
      if (!weights.contains(key)) {
        throw new IllegalArgumentException("missing weight: " + key);
      }
      NamedTensor t = weights.get(key);
      if (!Arrays.equals(t.shape(), shape)) {
        throw new IllegalArgumentException(
            "weight "
                + key
                + " expected shape "
                + Arrays.toString(shape)
                + " but got "
                + Arrays.toString(t.shape()));
      }
      return t;
    }

    /** Initializer in HF layout under its HF key. */
    String raw(String key) {
      NamedTensor t = tensor(key);
      return g.floats(key, t.shape(), t.data());
    }

    /** A Linear weight [out, in] stored as [in, out] for {@code MatMul(x, W^T)}. */
    String transposed(String key) {
      NamedTensor t = tensor(key);
      int rows = (int) t.shape()[0];
      int cols = (int) t.shape()[1];
      float[] src = t.data();
      float[] dst = new float[src.length];
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          dst[c * rows + r] = src[r * cols + c];
        }
      }
      return g.floats(key + ".T", new long[] {cols, rows}, dst);
    }

    String layerNorm(String x, String prefix, double eps) {
      return g.node(
          "LayerNormalization",
          prefix,
          new String[] {x, raw(prefix + ".weight"), raw(prefix + ".bias")},
          attr("axis", -1L),
          attr("epsilon", (float) eps));
    }

    /** y = x W^T + b over the last axis. */
    String linear(String x, String prefix) {
      String mm = g.node("MatMul", prefix + ".matmul", x, transposed(prefix + ".weight"));
      return g.node("Add", prefix, mm, raw(prefix + ".bias"));
    }

    String activation(String x, String prefix, String act) {
      if ("quick_gelu".equals(act)) {
        // x * sigmoid(1.702 x)
        String scaled = g.node("Mul", prefix + ".qg_scaled", x, g.floatScalar(1.702f));
        String sig = g.node("Sigmoid", prefix + ".qg_sigmoid", scaled);
        return g.node("Mul", prefix + ".quick_gelu", x, sig);
      }
      if ("gelu".equals(act)) {
        // 0.5 x (1 + erf(x / sqrt 2)), the exact GELU
        String scaled =
            g.node("Mul", prefix + ".gelu_scaled", x, g.floatScalar((float) (1 / Math.sqrt(2))));
        String erf = g.node("Erf", prefix + ".gelu_erf", scaled);
        String one = g.node("Add", prefix + ".gelu_1p", erf, g.floatScalar(1f));
        String prod = g.node("Mul", prefix + ".gelu_prod", x, one);
        return g.node("Mul", prefix + ".gelu", prod, g.floatScalar(0.5f));
      }
      throw new IllegalArgumentException("unsupported hidden_act " + act);
    }

    /** Pre-LN CLIP layer on [N, S, E]; {@code mask} is an additive [S, S] mask or null. */
    String encoderLayer(String x, String p, int e, int heads, String act, double eps, String mask) {
      int hd = e / heads;
      String h = layerNorm(x, p + ".layer_norm1", eps);
      String toHeads = g.int64Vector(0, 0, heads, hd);
      String q = g.node("Reshape", p + ".q_heads", linear(h, p + ".self_attn.q_proj"), toHeads);
      String k = g.node("Reshape", p + ".k_heads", linear(h, p + ".self_attn.k_proj"), toHeads);
      String v = g.node("Reshape", p + ".v_heads", linear(h, p + ".self_attn.v_proj"), toHeads);
      q = g.node("Transpose", p + ".q_t", q, attrInts("perm", 0, 2, 1, 3)); // [N,H,S,hd]
      k = g.node("Transpose", p + ".k_t", k, attrInts("perm", 0, 2, 3, 1)); // [N,H,hd,S]
      v = g.node("Transpose", p + ".v_t", v, attrInts("perm", 0, 2, 1, 3)); // [N,H,S,hd]
      String scores = g.node("MatMul", p + ".scores_raw", q, k); // [N,H,S,S]
      scores = g.node("Mul", p + ".scores", scores, g.floatScalar((float) Math.pow(hd, -0.5)));
      if (mask != null) {
        scores = g.node("Add", p + ".scores_masked", scores, mask);
      }
      String probs = g.node("Softmax", p + ".probs", scores, attr("axis", -1L));
      String ctx = g.node("MatMul", p + ".context", probs, v); // [N,H,S,hd]
      ctx = g.node("Transpose", p + ".context_t", ctx, attrInts("perm", 0, 2, 1, 3));
      ctx = g.node("Reshape", p + ".context_merged", ctx, g.int64Vector(0, 0, e));
      String attn = linear(ctx, p + ".self_attn.out_proj");
      x = g.node("Add", p + ".residual1", x, attn);

      String h2 = layerNorm(x, p + ".layer_norm2", eps);
      String f = linear(h2, p + ".mlp.fc1");
      f = activation(f, p + ".mlp", act);
      f = linear(f, p + ".mlp.fc2");
      return g.node("Add", p + ".residual2", x, f);
    }
  }
}
