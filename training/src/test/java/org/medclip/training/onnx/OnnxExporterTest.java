package org.medclip.training.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OrtException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medclip.clip.ClipConfig;
import org.medclip.training.hf.HfKeys;
import org.medclip.training.weights.NamedTensor;
import org.medclip.training.weights.StateDict;

/**
 * The exported graphs against an independent double-precision reference forward (ClipReference),
 * plus the invariants search relies on: unit rows, batch independence, padding after EOS ignored,
 * dynamic length.
 */
class OnnxExporterTest {
  static final ClipConfig TINY = ClipConfig.tiny();
  static final double TOL_REF = 1e-4;
  static final double TOL_SELF = 1e-5;

  static StateDict weights;
  static OrtRunner image;
  static OrtRunner text;
  static ClipReference reference;

  @BeforeAll
  static void export() throws OrtException {
    weights = TestWeights.random(TINY, 42);
    image = OrtRunner.of(OnnxExporter.imageEncoder(TINY, weights).toByteArray());
    text =
        OrtRunner.of(OnnxExporter.textEncoder(TINY, weights, TextPooling.FIRST_EOS).toByteArray());
    reference = new ClipReference(TINY, weights, TextPooling.FIRST_EOS);
  }

  @Test
  void imageEncoderMatchesReference() throws OrtException {
    int n = 7;
    float[] px = TestWeights.pixels(TINY, n, 1);
    float[][] got = image.images(px, n, TINY.vision().imageSize());
    assertEquals(n, got.length);
    assertEquals(TINY.projectionDim(), got[0].length);
    assertUnitRows(got);
    double err = TestWeights.maxAbsDiff(got, reference.embedImages(px, n));
    System.out.printf("ORT vs reference, tiny image encoder, batch 7: max abs %.3g%n", err);
    assertTrue(err < TOL_REF, "max abs error " + err);
  }

  @Test
  void imageBatchOfSevenEqualsSevenBatchesOfOne() throws OrtException {
    int n = 7;
    int s = TINY.vision().imageSize();
    float[] px = TestWeights.pixels(TINY, n, 2);
    float[][] batch = image.images(px, n, s);
    int per = 3 * s * s;
    for (int i = 0; i < n; i++) {
      float[][] one = image.images(Arrays.copyOfRange(px, i * per, (i + 1) * per), 1, s);
      assertTrue(TestWeights.maxAbsDiff(one, new float[][] {batch[i]}) < TOL_SELF, "row " + i);
    }
  }

  @Test
  void textEncoderMatchesReference() throws OrtException {
    for (int len : new int[] {16, 9, 2}) {
      long[][] ids = TestWeights.ids(TINY, 7, len, len);
      float[][] got = text.texts(ids);
      assertEquals(7, got.length);
      assertEquals(TINY.projectionDim(), got[0].length);
      assertUnitRows(got);
      double err = TestWeights.maxAbsDiff(got, reference.embedTexts(ids));
      System.out.printf(
          "ORT vs reference, tiny text encoder, batch 7, L=%d: max abs %.3g%n", len, err);
      assertTrue(err < TOL_REF, "L=" + len + " max abs error " + err);
    }
  }

  @Test
  void textBatchOfSevenEqualsSevenBatchesOfOne() throws OrtException {
    long[][] ids = TestWeights.ids(TINY, 7, 12, 3);
    float[][] batch = text.texts(ids);
    for (int i = 0; i < ids.length; i++) {
      float[][] one = text.texts(new long[][] {ids[i]});
      assertTrue(TestWeights.maxAbsDiff(one, new float[][] {batch[i]}) < TOL_SELF, "row " + i);
    }
  }

  @Test
  void tokensAfterTheFirstEosDoNotChangeTheEmbedding() throws OrtException {
    ClipConfig.TextConfig t = TINY.text();
    long[] prefix = {t.bosTokenId(), 17, 33, 5, t.eosTokenId()};
    long[][] variants = {
      prefix,
      TestWeights.resized(new long[][] {prefix}, 16, t.padTokenId())[0],
      {t.bosTokenId(), 17, 33, 5, t.eosTokenId(), 90, 91, 92, t.eosTokenId(), 4},
      {t.bosTokenId(), 17, 33, 5, t.eosTokenId(), t.eosTokenId(), t.eosTokenId()},
    };
    float[][] base = text.texts(new long[][] {variants[0]});
    for (long[] v : variants) {
      float[][] got = text.texts(new long[][] {v});
      double err = TestWeights.maxAbsDiff(got, base);
      assertTrue(err < TOL_SELF, Arrays.toString(v) + " differs by " + err);
    }
    // the same rows side by side in one padded batch
    long[][] batch = TestWeights.resized(new long[][] {variants[0], variants[2]}, 16, 7);
    float[][] got = text.texts(batch);
    assertTrue(TestWeights.maxAbsDiff(got, new float[][] {base[0], base[0]}) < TOL_SELF);
  }

  @Test
  void everyLengthUpToMaxPositionsRunsAndLongerIsRejected() throws OrtException {
    int max = TINY.text().maxPositions();
    for (int len = 1; len <= max; len++) {
      long[][] ids = TestWeights.ids(TINY, 2, len, 100 + len);
      double err = TestWeights.maxAbsDiff(text.texts(ids), reference.embedTexts(ids));
      assertTrue(err < TOL_REF, "L=" + len + " max abs error " + err);
    }
    long[][] tooLong = TestWeights.ids(TINY, 1, max + 1, 5);
    assertThrows(OrtException.class, () -> text.texts(tooLong));
  }

  @Test
  void rowWithoutEosPoolsPositionZeroLikeHf() throws OrtException {
    long[][] ids = {{1, 5, 6, 7, 8, 9}};
    assertEquals(0, reference.poolIndex(ids[0]));
    assertTrue(TestWeights.maxAbsDiff(text.texts(ids), reference.embedTexts(ids)) < TOL_REF);
  }

  @Test
  void legacyArgmaxPoolingReadsTheLargestId() throws OrtException {
    ModelProto m = OnnxExporter.textEncoder(TINY, weights, TextPooling.ARGMAX_IDS);
    ClipReference ref = new ClipReference(TINY, weights, TextPooling.ARGMAX_IDS);
    // largest id (98) first at position 3, eos (2) elsewhere: argmax and first-eos disagree
    long[][] ids = {{1, 40, 2, 98, 5, 98, 0, 0}, {1, 2, 60, 61, 62, 61, 0, 0}};
    assertEquals(3, ref.poolIndex(ids[0]));
    assertEquals(4, ref.poolIndex(ids[1]));
    try (OrtRunner r = OrtRunner.of(m.toByteArray())) {
      float[][] got = r.texts(ids);
      double err = TestWeights.maxAbsDiff(got, ref.embedTexts(ids));
      assertTrue(err < TOL_REF, "max abs error " + err);
      double differs = TestWeights.maxAbsDiff(got, reference.embedTexts(ids));
      assertTrue(differs > 1e-2, "the two pooling rules should disagree on these rows");
    }
  }

  @Test
  void exactGeluVariantMatchesReference() throws OrtException {
    ClipConfig gelu =
        new ClipConfig(
            new ClipConfig.TextConfig(99, 32, 64, 2, 4, 16, "gelu", 1e-5, 1, 2, 0),
            new ClipConfig.VisionConfig(32, 64, 2, 4, 32, 8, 3, "gelu", 1e-6),
            24,
            2.6592);
    StateDict w = TestWeights.random(gelu, 7);
    ClipReference ref = new ClipReference(gelu, w, TextPooling.FIRST_EOS);
    float[] px = TestWeights.pixels(gelu, 3, 9);
    long[][] ids = TestWeights.ids(gelu, 3, 11, 9);
    try (OrtRunner img = OrtRunner.of(OnnxExporter.imageEncoder(gelu, w).toByteArray());
        OrtRunner txt =
            OrtRunner.of(OnnxExporter.textEncoder(gelu, w, TextPooling.FIRST_EOS).toByteArray())) {
      double ei = TestWeights.maxAbsDiff(img.images(px, 3, 32), ref.embedImages(px, 3));
      double et = TestWeights.maxAbsDiff(txt.texts(ids), ref.embedTexts(ids));
      System.out.printf("ORT vs reference, gelu variant: image %.3g, text %.3g%n", ei, et);
      assertTrue(ei < TOL_REF && et < TOL_REF, ei + " / " + et);
    }
  }

  @Test
  void nonSquareAttentionShapesWork() throws OrtException {
    // 3 heads of 8, 5x5 patches of 4 px, MLP wider than 4x: catches reshapes that assume tiny()
    ClipConfig odd =
        new ClipConfig(
            new ClipConfig.TextConfig(50, 24, 40, 1, 3, 10, "quick_gelu", 1e-5, 0, 49, 0),
            new ClipConfig.VisionConfig(24, 100, 3, 3, 20, 4, 3, "quick_gelu", 1e-5),
            16,
            2.6592);
    StateDict w = TestWeights.random(odd, 11);
    ClipReference ref = new ClipReference(odd, w, TextPooling.FIRST_EOS);
    float[] px = TestWeights.pixels(odd, 2, 4);
    long[][] ids = TestWeights.ids(odd, 3, 10, 4);
    try (OrtRunner img = OrtRunner.of(OnnxExporter.imageEncoder(odd, w).toByteArray());
        OrtRunner txt =
            OrtRunner.of(OnnxExporter.textEncoder(odd, w, TextPooling.FIRST_EOS).toByteArray())) {
      assertTrue(TestWeights.maxAbsDiff(img.images(px, 2, 20), ref.embedImages(px, 2)) < TOL_REF);
      assertTrue(TestWeights.maxAbsDiff(txt.texts(ids), ref.embedTexts(ids)) < TOL_REF);
    }
  }

  @Test
  void modelHeaderIoAndInitializersAreAsSpecified() {
    ModelProto img = OnnxExporter.imageEncoder(TINY, weights);
    ModelProto txt = OnnxExporter.textEncoder(TINY, weights, TextPooling.FIRST_EOS);
    for (ModelProto m : List.of(img, txt)) {
      assertEquals(8, m.getIrVersion());
      assertEquals(1, m.getOpsetImportCount());
      assertEquals("", m.getOpsetImport(0).getDomain());
      assertEquals(17, m.getOpsetImport(0).getVersion());
      for (TensorProto t : m.getGraph().getInitializerList()) {
        assertEquals(0, t.getFloatDataCount(), t.getName());
        long n = HfKeys.numel(t.getDimsList().stream().mapToLong(Long::longValue).toArray());
        int width = t.getDataType() == TensorProto.DataType.INT64_VALUE ? 8 : 4;
        assertEquals(n * width, t.getRawData().size(), t.getName());
      }
    }
    assertIo(img.getGraph().getInput(0), "pixel_values", 1, "batch", "3", "32", "32");
    assertIo(img.getGraph().getOutput(0), "image_embeds", 1, "batch", "24");
    assertIo(txt.getGraph().getInput(0), "input_ids", 7, "batch", "sequence");
    assertIo(txt.getGraph().getOutput(0), "text_embeds", 1, "batch", "24");

    // a transposed Linear weight holds W^T, little-endian
    TensorProto fc1 =
        img.getGraph().getInitializerList().stream()
            .filter(t -> t.getName().equals("vision_model.encoder.layers.1.mlp.fc1.weight.T"))
            .findFirst()
            .orElseThrow();
    assertEquals(List.of(32L, 64L), fc1.getDimsList());
    float[] w = weights.get("vision_model.encoder.layers.1.mlp.fc1.weight").data(); // [64, 32]
    java.nio.ByteBuffer raw =
        fc1.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
    assertEquals(w[5 * 32 + 3], raw.getFloat(4 * (3 * 64 + 5)));
  }

  @Test
  void exportWritesLoadableFiles(@TempDir Path dir) throws Exception {
    Path img = dir.resolve("bundle/image-encoder.onnx");
    Path txt = dir.resolve("bundle/text-encoder.onnx");
    OnnxExporter.exportImageEncoder(TINY, weights, img);
    OnnxExporter.exportTextEncoder(TINY, weights, txt);
    // same permissions as any new file (the umask's), not owner-only like a temp file
    Path probe = Files.createFile(dir.resolve("probe"));
    assertEquals(Files.getPosixFilePermissions(probe), Files.getPosixFilePermissions(img));
    try (var files = Files.list(img.getParent())) {
      assertEquals(2, files.count(), "no .part files left");
    }
    float[] px = TestWeights.pixels(TINY, 2, 5);
    long[][] ids = TestWeights.ids(TINY, 2, 8, 5);
    try (OrtRunner i = OrtRunner.of(img);
        OrtRunner t = OrtRunner.of(txt)) {
      assertArrayEquals(image.images(px, 2, 32), i.images(px, 2, 32));
      assertArrayEquals(text.texts(ids), t.texts(ids));
      assertEquals(
          Map.of("medclip.text_pooling", "FIRST_EOS", "medclip.eos_token_id", "2"),
          Map.of(
              "medclip.text_pooling",
              t.session().getMetadata().getCustomMetadata().get("medclip.text_pooling"),
              "medclip.eos_token_id",
              t.session().getMetadata().getCustomMetadata().get("medclip.eos_token_id")));
    }
  }

  @Test
  void missingOrMisshapenWeightsAreNamed() {
    StateDict missing = copyWithout(weights, "vision_model.encoder.layers.0.mlp.fc2.bias");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> OnnxExporter.imageEncoder(TINY, missing));
    assertTrue(
        e.getMessage().contains("vision_model.encoder.layers.0.mlp.fc2.bias"), e.getMessage());

    StateDict bad = copyWithout(weights, "text_projection.weight");
    bad.put("text_projection.weight", new NamedTensor(new long[] {32, 24}, new float[32 * 24]));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> OnnxExporter.textEncoder(TINY, bad, TextPooling.FIRST_EOS));
    assertTrue(
        e.getMessage().contains("text_projection.weight")
            && e.getMessage().contains("[24, 32]")
            && e.getMessage().contains("[32, 24]"),
        e.getMessage());
  }

  static StateDict copyWithout(StateDict sd, String key) {
    StateDict out = new StateDict();
    sd.asMap()
        .forEach(
            (k, v) -> {
              if (!k.equals(key)) {
                out.put(k, v);
              }
            });
    return out;
  }

  static void assertUnitRows(float[][] rows) {
    for (float[] r : rows) {
      double n = 0;
      for (float v : r) {
        n += (double) v * v;
      }
      assertEquals(1.0, Math.sqrt(n), 1e-5);
    }
  }

  private static void assertIo(ValueInfoProto v, String name, int elemType, String... dims) {
    assertEquals(name, v.getName());
    assertEquals(elemType, v.getType().getTensorType().getElemType());
    List<TensorShapeProto.Dimension> d = v.getType().getTensorType().getShape().getDimList();
    assertEquals(dims.length, d.size());
    for (int i = 0; i < dims.length; i++) {
      String got =
          d.get(i).hasDimParam() ? d.get(i).getDimParam() : Long.toString(d.get(i).getDimValue());
      assertEquals(dims[i], got, name + " dim " + i);
    }
  }
}
