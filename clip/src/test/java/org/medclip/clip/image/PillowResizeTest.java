package org.medclip.clip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PillowResizeTest {

  private static RgbImage greyRow(int... values) {
    byte[] rgb = new byte[values.length * 3];
    for (int i = 0; i < values.length; i++) {
      rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = (byte) values[i];
    }
    return new RgbImage(values.length, 1, rgb);
  }

  private static int[] channel0(RgbImage im) {
    int[] out = new int[im.width() * im.height()];
    for (int i = 0; i < out.length; i++) {
      out[i] = im.rgb()[i * 3] & 0xFF;
    }
    return out;
  }

  @Test
  void kernelIsKeysCubicWithAMinusHalf() {
    assertEquals(1.0, PillowResize.bicubic(0));
    assertEquals(0.8671875, PillowResize.bicubic(0.25));
    assertEquals(0.2265625, PillowResize.bicubic(-0.75));
    assertEquals(-0.0703125, PillowResize.bicubic(1.25));
    assertEquals(0.0, PillowResize.bicubic(1.0), 0.0);
    assertEquals(0.0, PillowResize.bicubic(2.0), 0.0);
  }

  /**
   * 4 -> 2 pixels (scale 2, support 2 * 2 = 4). Output 0: centre 1.0, window [0, 4), taps at (x - 1
   * + 0.5) / 2 = -0.25, 0.25, 0.75, 1.25 with K = 0.8671875, 0.8671875, 0.2265625, -0.0703125 (sum
   * 1.890625): (100 * 0.8671875 + 200 * 0.2265625 - 255 * 0.0703125) / 1.890625 = 60.35 -> 60.
   * Output 1: centre 3.0, taps at -1.25, -0.75, -0.25, 0.25: (100 * 0.2265625 + 200 * 0.8671875 +
   * 255 * 0.8671875) / 1.890625 = 220.68 -> 221. Real Pillow gives [60, 221].
   */
  @Test
  void downscaleByTwoMatchesHandComputation() {
    assertArrayEquals(
        new int[] {60, 221}, channel0(PillowResize.resizeBicubic(greyRow(0, 100, 200, 255), 2, 1)));
  }

  /**
   * 2 -> 4 pixels (scale 0.5, support 2). Centres 0.25, 0.75, 1.25, 1.75; e.g. output 1: taps at
   * 0.25 and -0.75 (x = 0, 1) -> (0 * 0.8671875 + 255 * 0.2265625) / 1.09375 = 52.8 -> 53; output
   * 0: 255 * -0.0703125 / 0.796875 = -22.5 -> clipped to 0; output 3: 277.5 -> clipped to 255. Real
   * Pillow gives [0, 53, 202, 255].
   */
  @Test
  void upscaleByTwoMatchesHandComputationIncludingClipping() {
    assertArrayEquals(
        new int[] {0, 53, 202, 255}, channel0(PillowResize.resizeBicubic(greyRow(0, 255), 4, 1)));
  }

  @Test
  void fixedPointWeightsRoundLikeNormalizeCoeffs8bpc() {
    PillowResize.Coefficients c = PillowResize.Coefficients.compute(4, 2, 0, 2);
    assertEquals(9, c.ksize); // ceil(2 * 2) * 2 + 1
    assertEquals(0, c.bounds[0]);
    assertEquals(4, c.bounds[1]);
    // 0.8671875 / 1.890625 * 2^22 = 1923834.2 -> 1923834; -0.0703125 / 1.890625 * 2^22 -> -155984
    assertEquals(1923834, c.weights[0]);
    assertEquals(Math.round(-0.0703125 / 1.890625 * (1 << 22)), c.weights[3]);
    int sum = 0;
    for (int j = 0; j < 4; j++) {
      sum += c.weights[j];
    }
    assertEquals(1 << 22, sum, 2.0);
  }

  @Test
  void sameSizeIsACopy() {
    byte[] rgb = new byte[5 * 3 * 3];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = (byte) (i * 37);
    }
    RgbImage src = new RgbImage(5, 3, rgb);
    RgbImage out = PillowResize.resizeBicubic(src, 5, 3);
    assertNotSame(src.rgb(), out.rgb());
    assertArrayEquals(src.rgb(), out.rgb());
  }

  /** A constant image stays constant: weights are normalised to sum to one. */
  @Test
  void constantImageStaysConstant() {
    byte[] rgb = new byte[17 * 11 * 3];
    java.util.Arrays.fill(rgb, (byte) 200);
    RgbImage out = PillowResize.resizeBicubic(new RgbImage(17, 11, rgb), 5, 29);
    for (byte b : out.rgb()) {
      assertEquals(200, b & 0xFF);
    }
  }

  /**
   * Bit-exact against real Pillow ({@code Image.resize(size, BICUBIC, reducing_gap=None)}) on a
   * 61x47 random RGB image: downscale (non-integer and extreme factors), upscale, one axis only
   * (Pillow skips the other pass), identity. Fixtures from {@code make_fixtures.py}.
   */
  @ParameterizedTest(name = "61x47 -> {0}x{1}")
  @CsvSource({"20,15", "7,5", "150,97", "61,20", "33,47", "61,47", "64,30", "1,1"})
  void matchesPillowExactly(int w, int h) {
    RgbImage src = new RgbImage(61, 47, Fixtures.bytes("resize_src.rgb"));
    byte[] expected = Fixtures.bytes("resize_" + w + "x" + h + ".rgb");
    RgbImage out = PillowResize.resizeBicubic(src, w, h);
    assertEquals(w, out.width());
    assertEquals(h, out.height());
    assertEquals(0, Fixtures.maxByteDiff(expected, out.rgb()), "max grey-level difference");
  }

  /** A window of the resized image equals the same window of the full resize. */
  @Test
  void regionEqualsCropOfFullResize() {
    RgbImage src = new RgbImage(61, 47, Fixtures.bytes("resize_src.rgb"));
    RgbImage full = PillowResize.resizeBicubic(src, 150, 97);
    RgbImage region = PillowResize.resizeBicubicRegion(src, 150, 97, 40, 13, 70, 71);
    for (int y = 0; y < 71; y++) {
      for (int x = 0; x < 70; x++) {
        for (int c = 0; c < 3; c++) {
          assertEquals(full.get(x + 40, y + 13, c), region.get(x, y, c));
        }
      }
    }
  }
}
