package org.medclip.backend.testing;

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
 * Writes a small model bundle with random stand-in graphs that have the real signatures (the same
 * graphs as clip's test bundles): image {@code pixel_values [N,3,S,S] -> Flatten -> MatMul ->
 * LpNormalization -> image_embeds [N,D]}; text {@code input_ids [N,L] -> Gather -> CumSum ->
 * GatherND at the EOS (the highest id) -> LpNormalization -> text_embeds [N,D]}. Vectors are
 * L2-normalised but carry no meaning.
 */
public final class StandInBundle {
  /** Embedding dimension of stand-in bundles. */
  public static final int DIM = 16;

  /** Image side in pixels. */
  public static final int IMAGE_SIZE = 32;

  /** Context length in tokens. */
  public static final int CONTEXT = 16;

  private StandInBundle() {}

  /** Writes a bundle named {@code name} version {@code version} to {@code dir}. */
  public static void write(Path dir, String name, String version, List<String> captions, long seed)
      throws IOException {
    Files.createDirectories(dir);
    TokenizerBuilder.Vocabulary vocabulary =
        new TokenizerBuilder().write(captions, dir.resolve(ModelBundle.TOKENIZER_FILE));
    int vocabSize = vocabulary.size();
    Random rnd = new Random(seed);
    float[] w = gaussian(rnd, 3 * IMAGE_SIZE * IMAGE_SIZE * DIM, 0.02f);
    float[] e = gaussian(rnd, vocabSize * DIM, 1f);
    Files.write(dir.resolve(ModelBundle.IMAGE_ENCODER_FILE), imageGraph(w));
    Files.write(dir.resolve(ModelBundle.TEXT_ENCODER_FILE), textGraph(e, vocabSize));
    ClipConfig config =
        new ClipConfig(
            new ClipConfig.TextConfig(
                vocabSize,
                32,
                64,
                2,
                4,
                CONTEXT,
                "quick_gelu",
                1e-5,
                vocabulary.bosId(),
                vocabulary.eosId(),
                vocabulary.padId()),
            new ClipConfig.VisionConfig(32, 64, 2, 4, IMAGE_SIZE, 8, 3, "quick_gelu", 1e-5),
            DIM,
            2.6592);
    ModelBundle.write(
        dir,
        ModelSpec.of(
            name,
            version,
            config,
            ModelSpec.Provenance.now("scratch", "backend tests", "test", Map.of("seed", seed)),
            Map.of()));
  }

  private static byte[] imageGraph(float[] w) {
    GraphProto.Builder g = GraphProto.newBuilder().setName("image_encoder");
    g.addInput(
        valueInfo("pixel_values", TensorProto.DataType.FLOAT, "N", 3, IMAGE_SIZE, IMAGE_SIZE));
    g.addOutput(valueInfo("image_embeds", TensorProto.DataType.FLOAT, "N", DIM));
    g.addInitializer(floatTensor("W", w, 3L * IMAGE_SIZE * IMAGE_SIZE, DIM));
    g.addNode(node("Flatten", List.of("pixel_values"), "flat").addAttribute(intAttr("axis", 1)));
    g.addNode(node("MatMul", List.of("flat", "W"), "proj"));
    g.addNode(lpNorm("proj", "image_embeds"));
    return model(g);
  }

  private static byte[] textGraph(float[] e, int vocabSize) {
    GraphProto.Builder g = GraphProto.newBuilder().setName("text_encoder");
    g.addInput(valueInfo("input_ids", TensorProto.DataType.INT64, "N", "L"));
    g.addOutput(valueInfo("text_embeds", TensorProto.DataType.FLOAT, "N", DIM));
    g.addInitializer(floatTensor("E", e, vocabSize, DIM));
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
        .setProducerName("medclip-backend-tests")
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

  /** Dims: a String is a symbolic dimension, a number a fixed one. */
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
}
