package org.medclip.clip.image;

import java.util.Arrays;

/**
 * Pillow's antialiased {@code Image.resize(size, BICUBIC)} for 8-bit RGB, ported from the algorithm
 * in Pillow's {@code src/libImaging/Resample.c} ({@code ImagingResample} with the box covering the
 * whole image, {@code reducing_gap=None}) so that results are bit-identical.
 *
 * <p>The algorithm, per axis:
 *
 * <ul>
 *   <li>{@code scale = in / out}; {@code filterscale = max(scale, 1)}; the Keys cubic kernel (a =
 *       -0.5, support 2) is stretched by {@code filterscale}, so downscaling averages over all
 *       covered input pixels (antialiasing) while upscaling interpolates.
 *   <li>For output pixel {@code i} the kernel is centred at {@code (i + 0.5) * scale} (input pixel
 *       units); the window is {@code [(int)(center - support + 0.5), (int)(center + support +
 *       0.5))} clipped to the image; weights {@code K((j - center + 0.5) / filterscale)} are
 *       normalised to sum 1 in double precision, then converted to fixed point with {@code
 *       PRECISION_BITS = 22} fractional bits, rounding half away from zero.
 *   <li>Each output sample is {@code clip8((1 << 21) + sum(sample * weight))}, i.e. the integer sum
 *       is rounded to nearest and clamped to 0..255.
 * </ul>
 *
 * <p>The horizontal pass runs first, writing 8-bit intermediate pixels (only the rows the vertical
 * pass will read), then the vertical pass. A pass is skipped when that axis keeps its size, exactly
 * as Pillow does; if both keep their size the result is a copy.
 */
public final class PillowResize {

  /** Fractional bits of the fixed-point weights: 32 - 8 (sample) - 2 (overshoot headroom). */
  static final int PRECISION_BITS = 32 - 8 - 2;

  /** Half of one output unit in fixed point, added before the shift to round to nearest. */
  private static final int ROUNDING = 1 << (PRECISION_BITS - 1);

  /** Support of the bicubic kernel in input pixels before scaling. */
  private static final double BICUBIC_SUPPORT = 2.0;

  private PillowResize() {}

  /**
   * Resizes {@code src} to {@code outW x outH} with Pillow's BICUBIC filter.
   *
   * @param src the image to resize
   * @param outW output width, positive
   * @param outH output height, positive
   * @return a new image; never {@code src} itself
   */
  public static RgbImage resizeBicubic(RgbImage src, int outW, int outH) {
    return resizeBicubicRegion(src, outW, outH, 0, 0, outW, outH);
  }

  /**
   * The window {@code [x0, x0 + regionW) x [y0, y0 + regionH)} of {@code resizeBicubic(src, outW,
   * outH)}, computed without producing the rest of the resized image. Every output pixel of
   * Pillow's resample depends only on its own coordinates, so the window is bit-identical to
   * cropping the full result.
   */
  static RgbImage resizeBicubicRegion(
      RgbImage src, int outW, int outH, int x0, int y0, int regionW, int regionH) {
    if (outW <= 0 || outH <= 0) {
      throw new IllegalArgumentException("output size must be positive, got " + outW + "x" + outH);
    }
    if (x0 < 0
        || y0 < 0
        || regionW <= 0
        || regionH <= 0
        || x0 + regionW > outW
        || y0 + regionH > outH) {
      throw new IllegalArgumentException(
          "region "
              + x0
              + ","
              + y0
              + " "
              + regionW
              + "x"
              + regionH
              + " outside "
              + outW
              + "x"
              + outH);
    }
    int inW = src.width();
    int inH = src.height();
    boolean needHorizontal = outW != inW;
    boolean needVertical = outH != inH;

    Coefficients vert = needVertical ? Coefficients.compute(inH, outH, y0, regionH) : null;
    // Input rows the vertical pass reads (all rows of the region when it is skipped).
    int rowFirst;
    int rowLast;
    if (needVertical) {
      rowFirst = vert.bounds[0];
      rowLast = vert.bounds[(regionH - 1) * 2] + vert.bounds[(regionH - 1) * 2 + 1];
    } else {
      rowFirst = y0;
      rowLast = y0 + regionH;
    }

    // Stage 1: horizontal pass (or column copy) over input rows [rowFirst, rowLast).
    int rows = rowLast - rowFirst;
    byte[] stage = new byte[regionW * rows * 3];
    if (needHorizontal) {
      Coefficients horiz = Coefficients.compute(inW, outW, x0, regionW);
      horizontalPass(src.rgb(), inW, rowFirst, rows, horiz, regionW, stage);
    } else {
      for (int r = 0; r < rows; r++) {
        System.arraycopy(
            src.rgb(), ((rowFirst + r) * inW + x0) * 3, stage, r * regionW * 3, regionW * 3);
      }
    }
    if (!needVertical) {
      return new RgbImage(regionW, regionH, stage);
    }

    // Stage 2: vertical pass; bounds are relative to the input, the stage starts at rowFirst.
    byte[] out = new byte[regionW * regionH * 3];
    verticalPass(stage, regionW, rowFirst, vert, regionH, out);
    return new RgbImage(regionW, regionH, out);
  }

  private static void horizontalPass(
      byte[] in, int inW, int rowFirst, int rows, Coefficients c, int outW, byte[] out) {
    int ksize = c.ksize;
    int[] bounds = c.bounds;
    int[] k = c.weights;
    for (int r = 0; r < rows; r++) {
      int inRow = (rowFirst + r) * inW * 3;
      int outRow = r * outW * 3;
      for (int xx = 0; xx < outW; xx++) {
        int xmin = bounds[xx * 2];
        int count = bounds[xx * 2 + 1];
        int kOff = xx * ksize;
        int s0 = ROUNDING;
        int s1 = ROUNDING;
        int s2 = ROUNDING;
        int p = inRow + xmin * 3;
        for (int x = 0; x < count; x++, p += 3) {
          int w = k[kOff + x];
          s0 += (in[p] & 0xFF) * w;
          s1 += (in[p + 1] & 0xFF) * w;
          s2 += (in[p + 2] & 0xFF) * w;
        }
        int o = outRow + xx * 3;
        out[o] = clip8(s0);
        out[o + 1] = clip8(s1);
        out[o + 2] = clip8(s2);
      }
    }
  }

  private static void verticalPass(
      byte[] stage, int width, int rowFirst, Coefficients c, int outH, byte[] out) {
    int ksize = c.ksize;
    int[] bounds = c.bounds;
    int[] k = c.weights;
    int rowLen = width * 3;
    int[] acc = new int[rowLen];
    for (int yy = 0; yy < outH; yy++) {
      int ymin = bounds[yy * 2] - rowFirst;
      int count = bounds[yy * 2 + 1];
      int kOff = yy * ksize;
      Arrays.fill(acc, ROUNDING);
      // Integer sums are order-independent, so accumulating row by row equals Pillow's
      // per-pixel loop over y.
      for (int y = 0; y < count; y++) {
        int w = k[kOff + y];
        int p = (ymin + y) * rowLen;
        for (int i = 0; i < rowLen; i++) {
          acc[i] += (stage[p + i] & 0xFF) * w;
        }
      }
      int o = yy * rowLen;
      for (int i = 0; i < rowLen; i++) {
        out[o + i] = clip8(acc[i]);
      }
    }
  }

  /** Pillow's clip8: drop the fractional bits (arithmetic shift) and clamp to 0..255. */
  static byte clip8(int fixedPoint) {
    int v = fixedPoint >> PRECISION_BITS;
    return (byte) (v < 0 ? 0 : (v > 255 ? 255 : v));
  }

  /** Pillow's {@code bicubic_filter}, a = -0.5 (same operation order for identical rounding). */
  static double bicubic(double x) {
    final double a = -0.5;
    if (x < 0.0) {
      x = -x;
    }
    if (x < 1.0) {
      return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
    }
    if (x < 2.0) {
      return (((x - 5) * x + 8) * x - 4) * a;
    }
    return 0.0;
  }

  /**
   * Fixed-point weights for one axis, for output indices {@code [first, first + count)}. Invariant:
   * for region index {@code i}, input indices {@code bounds[2i] .. bounds[2i] + bounds[2i+1] - 1}
   * are read with weights {@code weights[i * ksize + j]}.
   */
  static final class Coefficients {
    final int ksize;
    final int[] bounds;
    final int[] weights;

    private Coefficients(int ksize, int[] bounds, int[] weights) {
      this.ksize = ksize;
      this.bounds = bounds;
      this.weights = weights;
    }

    /** Port of Pillow's {@code precompute_coeffs} followed by {@code normalize_coeffs_8bpc}. */
    static Coefficients compute(int inSize, int outSize, int first, int count) {
      // Pillow takes the box as floats: (double)(in1 - in0) with in0 = 0f, in1 = (float) inSize.
      double scale = (double) (float) inSize / outSize;
      double filterscale = scale < 1.0 ? 1.0 : scale;
      double support = BICUBIC_SUPPORT * filterscale;
      int ksize = (int) Math.ceil(support) * 2 + 1;
      int[] bounds = new int[count * 2];
      int[] weights = new int[count * ksize];
      double[] k = new double[ksize];
      double ss = 1.0 / filterscale;
      for (int i = 0; i < count; i++) {
        int xx = first + i;
        double center = 0.0 + (xx + 0.5) * scale;
        int xmin = (int) (center - support + 0.5);
        if (xmin < 0) {
          xmin = 0;
        }
        int xmax = (int) (center + support + 0.5);
        if (xmax > inSize) {
          xmax = inSize;
        }
        xmax -= xmin;
        double ww = 0.0;
        for (int x = 0; x < xmax; x++) {
          double w = bicubic((x + xmin - center + 0.5) * ss);
          k[x] = w;
          ww += w;
        }
        for (int x = 0; x < xmax; x++) {
          double w = ww != 0.0 ? k[x] / ww : k[x];
          // normalize_coeffs_8bpc: round half away from zero, truncating cast.
          weights[i * ksize + x] =
              w < 0
                  ? (int) (-0.5 + w * (1 << PRECISION_BITS))
                  : (int) (0.5 + w * (1 << PRECISION_BITS));
        }
        bounds[i * 2] = xmin;
        bounds[i * 2 + 1] = xmax;
      }
      return new Coefficients(ksize, bounds, weights);
    }
  }
}
