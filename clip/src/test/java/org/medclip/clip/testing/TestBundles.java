package org.medclip.clip.testing;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.medclip.clip.ClipConfig;
import org.medclip.clip.bundle.ModelBundle;
import org.medclip.clip.bundle.ModelSpec;
import org.medclip.clip.text.TokenizerBuilder;

/**
 * Tiny model bundles with stand-in graphs that have the real signatures, for tests and the
 * benchmark. Image graph: {@code pixel_values [N,3,S,S] -> Flatten -> MatMul W[3SS,D] ->
 * LpNormalization(p=2) -> image_embeds [N,D]}. Text graph: {@code input_ids [N,L] -> Gather E[V,D]
 * -> CumSum over L -> GatherND at argmax(input_ids) (the EOS, the highest id) -> LpNormalization ->
 * text_embeds [N,D]}: like CLIP it reads the EOS position of a causal prefix, so padding after EOS
 * changes nothing. {@link Weights#imageEmbed} and {@link Weights#textEmbed} compute the same in
 * plain Java.
 */
public final class TestBundles {

  /** Captions the word-level tokenizer is built from. */
  public static final List<String> CAPTIONS =
      List.of(
          "Chest X-ray: left lower lobe consolidation.",
          "CT of the chest, slice 12 of 40.",
          "Left lung, lower lobe; X-ray follow-up after 3 days.",
          "Micrograph (H&E) of lung tissue.",
          "Axial MR slice of the brain, T2 weighted.");

  /** Embedding dimension of test bundles. */
  public static final int DIM = 24;

  /** Image side of test bundles. */
  public static final int IMAGE_SIZE = 32;

  /** Context length of test bundles. */
  public static final int CONTEXT = 16;

  private TestBundles() {}

  /** Which tokenizer a test bundle uses. */
  public enum Tokenizer {
    /** Built by {@link TokenizerBuilder} from {@link #CAPTIONS}. */
    WORD_LEVEL,
    /** The hand-made CLIP-style byte-level BPE file from test resources. */
    CLIP_BPE
  }

  /**
   * The stand-in weights.
   *
   * @param w image projection, row-major {@code [3SS, D]}
   * @param e token embeddings, row-major {@code [V, D]}
   * @param vocabSize V
   * @param eos EOS id
   */
  public record Weights(float[] w, float[] e, int vocabSize, int eos) {

    /** Plain-Java image graph: {@code normalize(x . W)}, accumulated in double. */
    public float[] imageEmbed(float[] chw) {
      double[] acc = new double[DIM];
      for (int i = 0; i < chw.length; i++) {
        for (int d = 0; d < DIM; d++) {
          acc[d] += (double) chw[i] * w[i * DIM + d];
        }
      }
      return normalize(acc);
    }

    /** Plain-Java text graph: normalised sum of the embeddings up to the first EOS, inclusive. */
    public float[] textEmbed(long[] ids) {
      double[] acc = new double[DIM];
      for (long id : ids) {
        for (int d = 0; d < DIM; d++) {
          acc[d] += e[(int) id * DIM + d];
        }
        if (id == eos) {
          break;
        }
      }
      return normalize(acc);
    }

    private static float[] normalize(double[] v) {
      double n = 0;
      for (double x : v) {
        n += x * x;
      }
      n = Math.sqrt(n);
      float[] out = new float[v.length];
      for (int i = 0; i < v.length; i++) {
        out[i] = (float) (v[i] / n);
      }
      return out;
    }
  }

  /**
   * Writes a complete, valid test bundle.
   *
   * @param dir target directory (created)
   * @param tokenizer which tokenizer
   * @param seed weight seed
   * @return the weights of the graphs
   */
  public static Weights create(Path dir, Tokenizer tokenizer, long seed) throws IOException {
    Files.createDirectories(dir);
    int vocabSize;
    int bos;
    int eos;
    int pad;
    Path tokFile = dir.resolve(ModelBundle.TOKENIZER_FILE);
    if (tokenizer == Tokenizer.WORD_LEVEL) {
      TokenizerBuilder.Vocabulary v = new TokenizerBuilder().write(CAPTIONS, tokFile);
      vocabSize = v.size();
      bos = v.bosId();
      eos = v.eosId();
      pad = v.padId();
    } else {
      try (InputStream in =
          TestBundles.class.getResourceAsStream(
              "/org/medclip/clip/text/clip-bpe-tiny-tokenizer.json")) {
        Files.copy(in, tokFile);
      }
      vocabSize = 531;
      bos = 529;
      eos = 530;
      pad = 530;
    }
    Random rnd = new Random(seed);
    float[] w = gaussian(rnd, 3 * IMAGE_SIZE * IMAGE_SIZE * DIM, 0.02f);
    float[] e = gaussian(rnd, vocabSize * DIM, 1f);
    Files.write(dir.resolve(ModelBundle.IMAGE_ENCODER_FILE), imageGraph(w, IMAGE_SIZE, DIM));
    Files.write(dir.resolve(ModelBundle.TEXT_ENCODER_FILE), textGraph(e, vocabSize, DIM, false));
    ModelBundle.write(dir, spec(vocabSize, bos, eos, pad));
    return new Weights(w, e, vocabSize, eos);
  }

  /** The spec of a test bundle. */
  public static ModelSpec spec(int vocabSize, int bos, int eos, int pad) {
    ClipConfig config =
        new ClipConfig(
            new ClipConfig.TextConfig(
                vocabSize, 32, 64, 2, 4, CONTEXT, "quick_gelu", 1e-5, bos, eos, pad),
            new ClipConfig.VisionConfig(32, 64, 2, 4, IMAGE_SIZE, 8, 3, "quick_gelu", 1e-5),
            DIM,
            2.6592);
    return ModelSpec.of(
        "test-clip",
        "1",
        config,
        ModelSpec.Provenance.now("scratch", "TestBundles.CAPTIONS", "test", Map.of("seed", 1)),
        Map.of("mrr@1", 0.5));
  }

  /** Stand-in image graph bytes. */
  public static byte[] imageGraph(float[] w, int imageSize, int dim) {
    GraphProto.Builder g = GraphProto.newBuilder().setName("image_encoder");
    g.addInput(valueInfo("pixel_values", TensorProto.DataType.FLOAT, "N", 3, imageSize, imageSize));
    g.addOutput(valueInfo("image_embeds", TensorProto.DataType.FLOAT, "N", dim));
    g.addInitializer(floatTensor("W", w, 3L * imageSize * imageSize, dim));
    g.addNode(node("Flatten", List.of("pixel_values"), "flat").addAttribute(intAttr("axis", 1)));
    g.addNode(node("MatMul", List.of("flat", "W"), "proj"));
    g.addNode(lpNorm("proj", "image_embeds"));
    return model(g);
  }

  /**
   * Stand-in text graph bytes.
   *
   * @param fixedLength declare {@code input_ids} as {@code [N, CONTEXT]} instead of {@code [N, L]}
   */
  public static byte[] textGraph(float[] e, int vocabSize, int dim, boolean fixedLength) {
    GraphProto.Builder g = GraphProto.newBuilder().setName("text_encoder");
    g.addInput(
        fixedLength
            ? valueInfo("input_ids", TensorProto.DataType.INT64, "N", CONTEXT)
            : valueInfo("input_ids", TensorProto.DataType.INT64, "N", "L"));
    g.addOutput(valueInfo("text_embeds", TensorProto.DataType.FLOAT, "N", dim));
    g.addInitializer(floatTensor("E", e, vocabSize, dim));
    g.addInitializer(
        TensorProto.newBuilder()
            .setName("axis1")
            .setDataType(TensorProto.DataType.INT64_VALUE)
            .addInt64Data(1));
    g.addNode(node("Gather", List.of("E", "input_ids"), "tok").addAttribute(intAttr("axis", 0)));
    g.addNode(node("CumSum", List.of("tok", "axis1"), "prefix"));
    g.addNode(
        node("ArgMax", List.of("input_ids"), "eos_pos")
            .addAttribute(intAttr("axis", 1))
            .addAttribute(intAttr("keepdims", 1)));
    g.addNode(
        node("GatherND", List.of("prefix", "eos_pos"), "pooled")
            .addAttribute(intAttr("batch_dims", 1)));
    g.addNode(lpNorm("pooled", "text_embeds"));
    return model(g);
  }

  private static NodeProto.Builder lpNorm(String in, String out) {
    return node("LpNormalization", List.of(in), out)
        .addAttribute(intAttr("axis", 1))
        .addAttribute(intAttr("p", 2));
  }

  private static byte[] model(GraphProto.Builder g) {
    return ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName("medclip-clip-tests")
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
        .setGraph(g)
        .build()
        .toByteArray();
  }

  private static NodeProto.Builder node(String op, List<String> inputs, String output) {
    return NodeProto.newBuilder()
        .setOpType(op)
        .setName(output + "_" + op)
        .addAllInput(inputs)
        .addOutput(output);
  }

  private static AttributeProto intAttr(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  private static TensorProto floatTensor(String name, float[] values, long... dims) {
    ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(values);
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .setRawData(ByteString.copyFrom(buf.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  /** Dims: String for a symbolic dim, Integer for a fixed one. */
  private static ValueInfoProto valueInfo(String name, TensorProto.DataType type, Object... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
      if (d instanceof String s) {
        dim.setDimParam(s);
      } else {
        dim.setDimValue(((Number) d).longValue());
      }
      shape.addDim(dim);
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)))
        .build();
  }

  private static float[] gaussian(Random rnd, int n, float scale) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) rnd.nextGaussian() * scale;
    }
    return out;
  }

  /** Writes a word-level test bundle to the directory given as argument (for the benchmark). */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: TestBundles <target-dir>");
      System.exit(2);
    }
    create(Path.of(args[0]), Tokenizer.WORD_LEVEL, 42);
    System.out.println("wrote test bundle to " + Path.of(args[0]).toAbsolutePath());
  }
}
