package org.medclip.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.medclip.clip.bundle.InvalidBundleException;
import org.medclip.clip.bundle.ModelBundle;
import org.medclip.clip.image.ImageDecodeException;
import org.medclip.clip.image.ImagePreprocessor;
import org.medclip.clip.testing.TestBundles;

/**
 * ClipEncoder against stand-in graphs with the real signatures: outputs equal a plain-Java
 * computation of the same graphs, do not depend on batching or threads, and bad inputs and bad
 * bundles give defined errors.
 */
class ClipEncoderTest {

  static final float TOL = 1e-5f;

  @TempDir static Path root;
  static Path bundleDir;
  static TestBundles.Weights weights;
  static ClipEncoder encoder;

  static final List<String> TEXTS =
      List.of(
          "Chest X-ray: left lower lobe consolidation.",
          "",
          "lung",
          "CT of the chest, slice 12 of 40. ".repeat(10),
          "Röntgen Thorax 胸部 X線 ← ✓",
          "left hilar mass",
          "MICROGRAPH of lung tissue (H&E)");

  @BeforeAll
  static void open() throws IOException {
    bundleDir = root.resolve("word-level");
    weights = TestBundles.create(bundleDir, TestBundles.Tokenizer.WORD_LEVEL, 7);
    encoder = ClipEncoder.open(bundleDir, EncoderOptions.defaults().withBatchSize(4));
  }

  @AfterAll
  static void close() {
    encoder.close();
  }

  static List<String> manyTexts(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(TEXTS.get(i % TEXTS.size()) + " " + "lung ".repeat(i % 5) + i);
    }
    return out;
  }

  static List<float[]> images(int n, long seed) {
    Random rnd = new Random(seed);
    List<float[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] img = new float[3 * TestBundles.IMAGE_SIZE * TestBundles.IMAGE_SIZE];
      for (int j = 0; j < img.length; j++) {
        img[j] = (float) rnd.nextGaussian();
      }
      out.add(img);
    }
    return out;
  }

  static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], TOL, what + " [" + i + "]");
    }
  }

  static void assertUnitNorm(float[] v) {
    double n = 0;
    for (float x : v) {
      n += x * x;
    }
    assertEquals(1.0, Math.sqrt(n), 1e-5);
  }

  @ParameterizedTest
  @EnumSource(TestBundles.Tokenizer.class)
  void textVectorsEqualPlainJavaGraphForBothTokenizers(TestBundles.Tokenizer kind)
      throws IOException {
    Path dir = root.resolve("text-" + kind);
    TestBundles.Weights w = TestBundles.create(dir, kind, 3);
    try (ClipEncoder enc = ClipEncoder.open(dir)) {
      float[][] vectors = enc.embedTexts(TEXTS);
      assertEquals(TEXTS.size(), vectors.length);
      for (int i = 0; i < TEXTS.size(); i++) {
        assertEquals(TestBundles.DIM, vectors[i].length);
        assertUnitNorm(vectors[i]);
        long[] ids = enc.tokenizer().encode(TEXTS.get(i));
        assertClose(w.textEmbed(ids), vectors[i], kind + " " + TEXTS.get(i));
      }
      assertArrayEquals(vectors[2], enc.embedText(TEXTS.get(2)));
    }
  }

  @Test
  void imageVectorsEqualPlainJavaGraph() {
    List<float[]> imgs = images(9, 1);
    float[][] vectors = encoder.embedImages(imgs);
    for (int i = 0; i < imgs.size(); i++) {
      assertUnitNorm(vectors[i]);
      assertClose(weights.imageEmbed(imgs.get(i)), vectors[i], "image " + i);
    }
  }

  @Test
  void batchSizeDoesNotChangeRows() throws IOException {
    List<String> texts = manyTexts(70);
    List<float[]> imgs = images(70, 2);
    float[][] t1;
    float[][] i1;
    try (ClipEncoder enc =
        ClipEncoder.open(bundleDir, EncoderOptions.defaults().withBatchSize(1))) {
      t1 = enc.embedTexts(texts);
      i1 = enc.embedImages(imgs);
    }
    for (int size : new int[] {7, 64}) {
      try (ClipEncoder enc =
          ClipEncoder.open(bundleDir, EncoderOptions.defaults().withBatchSize(size))) {
        float[][] t = enc.embedTexts(texts);
        float[][] im = enc.embedImages(imgs);
        for (int r = 0; r < texts.size(); r++) {
          assertClose(t1[r], t[r], "text row " + r + " batch " + size);
          assertClose(i1[r], im[r], "image row " + r + " batch " + size);
        }
      }
    }
  }

  @Test
  void eightThreadsGetTheSameVectors() throws Exception {
    List<String> texts = manyTexts(40);
    List<float[]> imgs = images(40, 3);
    float[][] textRef = encoder.embedTexts(texts);
    float[][] imageRef = encoder.embedImages(imgs);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int round = 0; round < 5; round++) {
                    float[][] tv = encoder.embedTexts(texts);
                    float[][] iv = encoder.embedImages(imgs);
                    for (int r = 0; r < tv.length; r++) {
                      assertClose(textRef[r], tv[r], "text " + r);
                      assertClose(imageRef[r], iv[r], "image " + r);
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> f : futures) {
        assertTrue(f.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void badImageFilesGetPerItemErrorsAndTheOthersVectors() throws Exception {
    Path good1 = writeImage(root.resolve("a.png"), "png", 1);
    Path garbage = root.resolve("b.png");
    Files.write(garbage, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    Path missing = root.resolve("missing.jpg");
    Path good2 = writeImage(root.resolve("c.jpg"), "jpg", 2);
    Path truncated = root.resolve("d.png");
    byte[] full = Files.readAllBytes(good1);
    Files.write(truncated, Arrays.copyOf(full, full.length / 3));
    List<Path> files = List.of(good1, garbage, missing, good2, truncated, good1);

    List<EmbeddingResult> results = encoder.embedImageFiles(files);
    assertEquals(files.size(), results.size());
    ImagePreprocessor pre =
        new ImagePreprocessor(
            TestBundles.IMAGE_SIZE, encoder.spec().imageMean(), encoder.spec().imageStd());
    for (int i : new int[] {0, 3, 5}) {
      EmbeddingResult r = results.get(i);
      assertTrue(r.isOk(), r.toString());
      assertNull(r.error());
      assertEquals(files.get(i).toString(), r.name());
      assertUnitNorm(r.vector());
      assertClose(weights.imageEmbed(pre.preprocess(files.get(i))), r.vector(), r.name());
    }
    for (int i : new int[] {1, 2, 4}) {
      EmbeddingResult r = results.get(i);
      assertFalse(r.isOk(), r.toString());
      assertNull(r.vector());
      assertInstanceOf(ImageDecodeException.class, r.error(), r.toString());
    }

    List<EmbeddingResult> fromBytes =
        encoder.embedImageBytes(
            List.of(
                new EncodedImage("good", Files.readAllBytes(good2)),
                new EncodedImage("empty", new byte[0]),
                new EncodedImage("text", "not an image".getBytes())));
    assertTrue(fromBytes.get(0).isOk());
    assertArrayEquals(results.get(3).vector(), fromBytes.get(0).vector());
    assertFalse(fromBytes.get(1).isOk());
    assertFalse(fromBytes.get(2).isOk());
    assertEquals("text", fromBytes.get(2).name());

    // a batch where every item is bad is still a defined answer
    assertFalse(encoder.embedImageFiles(List.of(missing)).get(0).isOk());
    assertEquals(List.of(), encoder.embedImageFiles(List.of()));
  }

  static Path writeImage(Path file, String format, long seed) throws IOException {
    Random rnd = new Random(seed);
    BufferedImage img = new BufferedImage(47, 61, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        img.setRGB(x, y, rnd.nextInt(0x1000000));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(img, format, out));
    Files.write(file, out.toByteArray());
    return file;
  }

  @Test
  void badTextInputsAreDefined() {
    float[][] v = encoder.embedTexts(List.of("", " ", "x".repeat(100_000), "胸部 ← ✓ \uD800"));
    for (float[] row : v) {
      assertUnitNorm(row);
    }
    // empty text is [BOS, EOS]
    assertClose(
        weights.textEmbed(new long[] {weights.eos() - 1, weights.eos()}), v[0], "empty text");
    assertThrows(NullPointerException.class, () -> encoder.embedText(null));
    assertThrows(NullPointerException.class, () -> encoder.embedTexts(Arrays.asList("a", null)));
    assertEquals(0, encoder.embedTexts(List.of()).length);
  }

  @Test
  void wrongImageTensorLengthIsRejectedNamingTheIndex() {
    List<float[]> imgs = new ArrayList<>(images(2, 4));
    imgs.add(new float[10]);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> encoder.embedImages(imgs));
    assertTrue(e.getMessage().contains("image 2"), e.getMessage());
  }

  @Test
  void cudaRequestFallsBackToCpuWithoutCuda() throws IOException {
    try (ClipEncoder enc = ClipEncoder.open(bundleDir, EncoderOptions.defaults().withCuda(0))) {
      assertTrue(List.of("CPU", "CUDA").contains(enc.executionProvider()));
      assertClose(encoder.embedText("lung"), enc.embedText("lung"), "cuda/cpu");
    }
  }

  @Test
  void closedEncoderRefusesWorkAndCloseIsIdempotent() throws IOException {
    ClipEncoder enc = ClipEncoder.open(bundleDir);
    enc.close();
    enc.close();
    assertThrows(IllegalStateException.class, () -> enc.embedText("lung"));
    assertThrows(IllegalStateException.class, () -> enc.embedImages(images(1, 5)));
  }

  @Test
  void bundleMissingAFileIsAClearError() throws IOException {
    Path dir = root.resolve("missing-file");
    TestBundles.create(dir, TestBundles.Tokenizer.WORD_LEVEL, 1);
    Files.delete(dir.resolve(ModelBundle.IMAGE_ENCODER_FILE));
    InvalidBundleException e =
        assertThrows(InvalidBundleException.class, () -> ClipEncoder.open(dir));
    assertTrue(e.getMessage().contains("image-encoder.onnx"), e.getMessage());
    assertTrue(e.getMessage().contains(dir.toAbsolutePath().toString()), e.getMessage());
  }

  @Test
  void graphWithAnotherDimensionIsAClearError() throws IOException {
    Path dir = root.resolve("wrong-dim");
    TestBundles.create(dir, TestBundles.Tokenizer.WORD_LEVEL, 1);
    int s = TestBundles.IMAGE_SIZE;
    Files.write(
        dir.resolve(ModelBundle.IMAGE_ENCODER_FILE),
        TestBundles.imageGraph(new float[3 * s * s * 16], s, 16));
    InvalidBundleException e =
        assertThrows(InvalidBundleException.class, () -> ClipEncoder.open(dir));
    assertTrue(e.getMessage().contains("image-encoder.onnx"), e.getMessage());
    assertTrue(e.getMessage().contains("[N, 24]"), e.getMessage());
  }

  @Test
  void graphWithAnotherImageSizeOrInputIsAClearError() throws IOException {
    Path dir = root.resolve("wrong-size");
    TestBundles.create(dir, TestBundles.Tokenizer.WORD_LEVEL, 1);
    Files.write(
        dir.resolve(ModelBundle.IMAGE_ENCODER_FILE),
        TestBundles.imageGraph(new float[3 * 16 * 16 * TestBundles.DIM], 16, TestBundles.DIM));
    String message =
        assertThrows(InvalidBundleException.class, () -> ClipEncoder.open(dir)).getMessage();
    assertTrue(message.contains("pixel_values"), message);
    // a text graph in the image slot: wrong input name
    Files.copy(
        dir.resolve(ModelBundle.TEXT_ENCODER_FILE),
        dir.resolve(ModelBundle.IMAGE_ENCODER_FILE),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    message = assertThrows(InvalidBundleException.class, () -> ClipEncoder.open(dir)).getMessage();
    assertTrue(message.contains("pixel_values") && message.contains("input_ids"), message);
  }

  @Test
  void unloadableGraphIsAClearError() throws IOException {
    Path dir = root.resolve("garbage-graph");
    TestBundles.create(dir, TestBundles.Tokenizer.WORD_LEVEL, 1);
    Files.writeString(dir.resolve(ModelBundle.TEXT_ENCODER_FILE), "not a protobuf");
    String message =
        assertThrows(InvalidBundleException.class, () -> ClipEncoder.open(dir)).getMessage();
    assertTrue(message.contains("text-encoder.onnx"), message);
    assertTrue(message.contains("cannot be loaded"), message);
  }

  @Test
  void fixedLengthTextGraphGetsContextPaddedRows() throws IOException {
    Path dir = root.resolve("fixed-length");
    TestBundles.Weights w = TestBundles.create(dir, TestBundles.Tokenizer.WORD_LEVEL, 9);
    Files.write(
        dir.resolve(ModelBundle.TEXT_ENCODER_FILE),
        TestBundles.textGraph(w.e(), w.vocabSize(), TestBundles.DIM, true));
    try (ClipEncoder enc = ClipEncoder.open(dir)) {
      float[][] v = enc.embedTexts(TEXTS);
      for (int i = 0; i < TEXTS.size(); i++) {
        assertClose(w.textEmbed(enc.tokenizer().encode(TEXTS.get(i))), v[i], TEXTS.get(i));
      }
    }
  }
}
