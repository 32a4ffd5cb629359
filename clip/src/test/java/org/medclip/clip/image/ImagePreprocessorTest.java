package org.medclip.clip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.medclip.clip.image.ImageDecodeException.Reason;

class ImagePreprocessorTest {

  private static float[] f32(String resource) {
    ByteBuffer b = ByteBuffer.wrap(Fixtures.bytes(resource)).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[b.remaining() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }

  /** Small S (tiny models): HF CLIPImageProcessor arithmetic with Pillow, 61x47 input. */
  @ParameterizedTest(name = "S={0}")
  @ValueSource(ints = {32, 64})
  void smallSizesMatchPillowReference(int s) throws Exception {
    float[] expected = f32("preprocess_s" + s + ".f32");
    ImagePreprocessor pre = ImagePreprocessor.clipDefaults(s);
    assertEquals(s, pre.imageSize());
    float[] actual = pre.preprocess(Fixtures.bytes("preprocess_src.png"), "preprocess_src.png");
    assertEquals(3 * s * s, actual.length);
    float max = 0;
    for (int i = 0; i < expected.length; i++) {
      max = Math.max(max, Math.abs(expected[i] - actual[i]));
    }
    assertTrue(max <= 1e-5f, "max abs error " + max);
  }

  @Test
  void normalisationUsesMeanAndStdPerChannel() {
    // A 2x2 image already at S = 2: no resize, no crop; out = (v / 255 - mean) / std, CHW.
    byte[] rgb = {0, (byte) 255, 51, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    ImagePreprocessor pre =
        new ImagePreprocessor(2, new float[] {0.5f, 0.25f, 0f}, new float[] {0.5f, 0.25f, 2f});
    float[] out = pre.preprocess(new RgbImage(2, 2, rgb));
    assertEquals((0f - 0.5f) / 0.5f, out[0], 1e-7); // R of pixel (0, 0)
    assertEquals((1 / 255f - 0.5f) / 0.5f, out[1], 1e-7); // R of pixel (1, 0)
    assertEquals((1f - 0.25f) / 0.25f, out[4], 1e-7); // G of pixel (0, 0)
    assertEquals((0.2f - 0f) / 2f, out[8], 1e-7); // B of pixel (0, 0): 51 / 255 = 0.2
  }

  @Test
  void outputSizeFollowsShortestEdgeThenCentreCrop() {
    // 10 x 4 solid image with one marked column at x = 5 (after resize to S = 4 -> 10 x 4 stays).
    byte[] rgb = new byte[10 * 4 * 3];
    RgbImage image = new RgbImage(10, 4, rgb);
    float[] out = ImagePreprocessor.clipDefaults(4).preprocess(image);
    assertEquals(3 * 16, out.length);
    // left = (10 - 4) // 2 = 3, top = 0
    assertEquals(3, ImagePreprocessor.cropOffset(10, 4));
    assertEquals(0, ImagePreprocessor.cropOffset(4, 4));
    assertEquals(1, ImagePreprocessor.cropOffset(7, 4)); // (7 - 4) // 2
    // Smaller than the crop: HF pads ceil((S - n) / 2) zeros before the image.
    assertEquals(-2, ImagePreprocessor.cropOffset(5, 8));
    assertEquals(-1, ImagePreprocessor.cropOffset(6, 8));
  }

  @Test
  void cropPicksTheCentreColumns() {
    // 6 x 2 image, S = 2: no resize; left = (6 - 2) // 2 = 2 -> columns 2 and 3.
    byte[] rgb = new byte[6 * 2 * 3];
    for (int y = 0; y < 2; y++) {
      for (int x = 0; x < 6; x++) {
        for (int c = 0; c < 3; c++) {
          rgb[(y * 6 + x) * 3 + c] = (byte) (x * 40);
        }
      }
    }
    ImagePreprocessor pre = new ImagePreprocessor(2, new float[] {0, 0, 0}, new float[] {1, 1, 1});
    float[] out = pre.preprocess(new RgbImage(6, 2, rgb));
    assertEquals((float) (80 * (1.0 / 255)), out[0]);
    assertEquals((float) (120 * (1.0 / 255)), out[1]);
  }

  @Test
  void rejectsBadParameters() {
    assertThrows(IllegalArgumentException.class, () -> ImagePreprocessor.clipDefaults(0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ImagePreprocessor(8, new float[] {0, 0}, new float[] {1, 1, 1}));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ImagePreprocessor(8, new float[] {0, 0, 0}, new float[] {1, 0, 1}));
  }

  // ----------------------------------------------------------------------------------- batches

  @Test
  void oneBadFileNeverFailsTheBatch(@TempDir Path dir) throws Exception {
    Path inputs = Golden.clipPreprocess().resolve("inputs");
    Path good1 = inputs.resolve("rgb_31x17.png");
    Path good2 = inputs.resolve("gray_512x512.jpg");
    Path empty = Files.write(dir.resolve("empty.png"), new byte[0]);
    byte[] noise = new byte[1000];
    new Random(1).nextBytes(noise);
    noise[0] = 0x42;
    Path random = Files.write(dir.resolve("random.jpg"), noise);
    Path truncated =
        Files.write(
            dir.resolve("truncated.png"), java.util.Arrays.copyOf(Files.readAllBytes(good1), 100));
    Path missing = dir.resolve("missing.png");
    List<Path> files = List.of(good1, empty, random, good2, truncated, missing);

    ImagePreprocessor pre = ImagePreprocessor.clipDefaults(32);
    float[] expected1 = pre.preprocess(good1);
    float[] expected2 = pre.preprocess(good2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (List<PreprocessResult> results :
          List.of(
              pre.preprocessAll(files),
              pre.preprocessAll(files, 2),
              pre.preprocessAll(files, pool))) {
        assertEquals(files.size(), results.size());
        for (int i = 0; i < files.size(); i++) {
          assertEquals(files.get(i).toString(), results.get(i).name(), "results keep input order");
        }
        assertTrue(results.get(0).ok());
        assertNull(results.get(0).error());
        assertArrayEquals(expected1, results.get(0).tensor());
        assertArrayEquals(expected2, results.get(3).tensor());
        assertEquals(Reason.EMPTY, results.get(1).error().reason());
        assertEquals(Reason.NOT_AN_IMAGE, results.get(2).error().reason());
        assertEquals(Reason.CORRUPT, results.get(4).error().reason());
        assertEquals(Reason.IO_ERROR, results.get(5).error().reason());
        for (int i : new int[] {1, 2, 4, 5}) {
          assertNull(results.get(i).tensor());
          assertNotNull(results.get(i).error());
          assertTrue(
              results.get(i).error().getMessage().contains(files.get(i).getFileName().toString()));
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void resultHoldsExactlyOneOfTensorAndError() {
    ImageDecodeException e = new ImageDecodeException(Reason.CORRUPT, "x", "bad");
    assertThrows(IllegalArgumentException.class, () -> new PreprocessResult("x", new float[1], e));
    assertThrows(IllegalArgumentException.class, () -> new PreprocessResult("x", null, null));
  }
}
