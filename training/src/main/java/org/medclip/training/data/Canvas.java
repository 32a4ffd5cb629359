package org.medclip.training.data;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * A greyscale or RGB float raster with anti-aliased primitives, drawn with plain arithmetic so that
 * the result depends only on the calls made (no fonts, no platform rendering): the same calls give
 * the same bytes on every machine and thread. Coordinates are pixels, x to the right, y down, pixel
 * (x, y) covering [x, x+1) x [y, y+1) with its centre at (x + 0.5, y + 0.5). Intensities are in [0,
 * 1] (0 black, 1 white); values are clamped only when encoding.
 */
final class Canvas {

  final int width;
  final int height;
  final int channels;

  /** Row-major, {@code channels} interleaved values per pixel. */
  final float[] px;

  Canvas(int width, int height, int channels) {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3");
    }
    this.width = width;
    this.height = height;
    this.channels = channels;
    this.px = new float[width * height * channels];
  }

  /** Euclidean length; faster than {@code Math.hypot} and exact enough for drawing. */
  static double len(double x, double y) {
    return Math.sqrt(x * x + y * y);
  }

  /** Grey value of pixel (x, y); for RGB the mean of the channels. */
  float get(int x, int y) {
    int o = (y * width + x) * channels;
    if (channels == 1) {
      return px[o];
    }
    return (px[o] + px[o + 1] + px[o + 2]) / 3f;
  }

  void fill(float v) {
    java.util.Arrays.fill(px, v);
  }

  void fill(float[] rgb) {
    for (int i = 0; i < width * height; i++) {
      for (int c = 0; c < channels; c++) {
        px[i * channels + c] = rgb[channels == 1 ? 0 : c];
      }
    }
  }

  /** Blends {@code value} into pixel (x, y) with weight {@code a} in [0, 1]. */
  private void blend(int x, int y, float[] value, float a) {
    if (a <= 0) {
      return;
    }
    int o = (y * width + x) * channels;
    for (int c = 0; c < channels; c++) {
      float v = value.length == 1 ? value[0] : value[c];
      px[o + c] += (v - px[o + c]) * Math.min(1f, a);
    }
  }

  /** A signed distance in pixels: negative inside, positive outside. */
  interface Shape {
    double distance(double x, double y);
  }

  /**
   * Paints {@code shape} with anti-aliased edges (coverage = clamp(0.5 - distance)), scanning only
   * the given bounding box.
   */
  void paint(Shape shape, double x0, double y0, double x1, double y1, float[] value, float alpha) {
    paintExcept(0, 0, -1, -1, shape, x0, y0, x1, y1, value, alpha);
  }

  /** {@link #paint} skipping pixels in [sx0, sx1] x [sy0, sy1] (already painted by the caller). */
  void paintExcept(
      int sx0,
      int sy0,
      int sx1,
      int sy1,
      Shape shape,
      double x0,
      double y0,
      double x1,
      double y1,
      float[] value,
      float alpha) {
    int ax = Math.max(0, (int) Math.floor(x0) - 1);
    int ay = Math.max(0, (int) Math.floor(y0) - 1);
    int bx = Math.min(width - 1, (int) Math.ceil(x1) + 1);
    int by = Math.min(height - 1, (int) Math.ceil(y1) + 1);
    for (int y = ay; y <= by; y++) {
      boolean rowSkips = y >= sy0 && y <= sy1;
      for (int x = ax; x <= bx; x++) {
        if (rowSkips && x >= sx0 && x <= sx1) {
          x = sx1;
          continue;
        }
        double d = shape.distance(x + 0.5, y + 0.5);
        if (d < 0.5) {
          float cov = (float) Math.min(1.0, 0.5 - d);
          blend(x, y, value, cov * alpha);
        }
      }
    }
  }

  /** Filled ellipse with centre (cx, cy), radii rx, ry and rotation {@code angle} radians. */
  void ellipse(double cx, double cy, double rx, double ry, double angle, float v) {
    ellipse(cx, cy, rx, ry, angle, new float[] {v}, 1f);
  }

  void ellipse(double cx, double cy, double rx, double ry, double angle, float[] v, float alpha) {
    double cos = Math.cos(angle);
    double sin = Math.sin(angle);
    double rmin = Math.min(rx, ry);
    Shape shape =
        (x, y) -> {
          double dx = x - cx;
          double dy = y - cy;
          double u = (dx * cos + dy * sin) / rx;
          double w = (-dx * sin + dy * cos) / ry;
          return (Math.sqrt(u * u + w * w) - 1) * rmin;
        };
    // Row spans: with q the normalised radius, a pixel is fully covered when (q - 1) * rmin <=
    // -0.5 and untouched when (q - 1) * rmin >= 0.5. For a row at offset dy, q^2 = a dx^2 + b dx
    // + c is a quadratic in dx, so both limits are solved exactly and only the rim is evaluated.
    double a = cos * cos / (rx * rx) + sin * sin / (ry * ry);
    double bCoef = 2 * cos * sin * (1 / (rx * rx) - 1 / (ry * ry));
    double cCoef = sin * sin / (rx * rx) + cos * cos / (ry * ry);
    double kOut = 1 + 0.5 / rmin;
    double kIn = 1 - 0.5 / rmin;
    double r = Math.max(rx, ry) + 1;
    int y0 = Math.max(0, (int) Math.floor(cy - r));
    int y1 = Math.min(height - 1, (int) Math.ceil(cy + r));
    for (int y = y0; y <= y1; y++) {
      double dy = y + 0.5 - cy;
      double b = bCoef * dy;
      double c = cCoef * dy * dy;
      double discOut = b * b - 4 * a * (c - kOut * kOut);
      if (discOut < 0) {
        continue;
      }
      double sq = Math.sqrt(discOut);
      int xa = Math.max(0, (int) Math.floor(cx + (-b - sq) / (2 * a) - 1));
      int xb = Math.min(width - 1, (int) Math.ceil(cx + (-b + sq) / (2 * a) + 1));
      int ia = Integer.MAX_VALUE;
      int ib = Integer.MIN_VALUE;
      double discIn = b * b - 4 * a * (c - kIn * kIn);
      if (kIn > 0 && discIn > 0) {
        double sqIn = Math.sqrt(discIn);
        // pixels whose centre lies strictly inside the inner curve, one pixel of safety margin
        ia = (int) Math.ceil(cx + (-b - sqIn) / (2 * a) - 0.5) + 1;
        ib = (int) Math.floor(cx + (-b + sqIn) / (2 * a) - 0.5) - 1;
      }
      for (int x = xa; x <= xb; x++) {
        if (x >= ia && x <= ib) {
          blend(x, y, v, alpha);
          continue;
        }
        double d = shape.distance(x + 0.5, y + 0.5);
        if (d < 0.5) {
          blend(x, y, v, (float) Math.min(1.0, 0.5 - d) * alpha);
        }
      }
    }
  }

  /** Filled rectangle with centre (cx, cy), half sizes hw, hh, rotated by {@code angle}. */
  void rect(double cx, double cy, double hw, double hh, double angle, float v) {
    rect(cx, cy, hw, hh, angle, new float[] {v}, 1f);
  }

  void rect(double cx, double cy, double hw, double hh, double angle, float[] v, float alpha) {
    double cos = Math.cos(angle);
    double sin = Math.sin(angle);
    // axis-aligned half extents of the rotated rectangle
    double ex = Math.abs(hw * cos) + Math.abs(hh * sin);
    double ey = Math.abs(hw * sin) + Math.abs(hh * cos);
    int fx0 = 0;
    int fx1 = -1;
    int fy0 = 0;
    int fy1 = -1;
    if (angle == 0) {
      // fully covered interior: centre at least 0.5 inside both edges
      fx0 = Math.max(0, (int) Math.ceil(cx - hw));
      fx1 = Math.min(width - 1, (int) Math.floor(cx + hw - 1));
      fy0 = Math.max(0, (int) Math.ceil(cy - hh));
      fy1 = Math.min(height - 1, (int) Math.floor(cy + hh - 1));
      for (int y = fy0; y <= fy1; y++) {
        for (int x = fx0; x <= fx1; x++) {
          blend(x, y, v, alpha);
        }
      }
    }
    paintExcept(
        fx0,
        fy0,
        fx1,
        fy1,
        (x, y) -> {
          double dx = x - cx;
          double dy = y - cy;
          double u = Math.abs(dx * cos + dy * sin) - hw;
          double w = Math.abs(-dx * sin + dy * cos) - hh;
          double outside = len(Math.max(u, 0), Math.max(w, 0));
          return outside + Math.min(Math.max(u, w), 0);
        },
        cx - ex,
        cy - ey,
        cx + ex,
        cy + ey,
        v,
        alpha);
  }

  /** A segment from (x0, y0) to (x1, y1) of the given full {@code thickness}. */
  void line(double x0, double y0, double x1, double y1, double thickness, float v) {
    line(x0, y0, x1, y1, thickness, new float[] {v}, 1f);
  }

  void line(double x0, double y0, double x1, double y1, double thickness, float[] v, float alpha) {
    double vx = x1 - x0;
    double vy = y1 - y0;
    double len2 = Math.max(1e-9, vx * vx + vy * vy);
    double half = thickness / 2;
    paint(
        (x, y) -> {
          double t = Math.max(0, Math.min(1, ((x - x0) * vx + (y - y0) * vy) / len2));
          return len(x - (x0 + t * vx), y - (y0 + t * vy)) - half;
        },
        Math.min(x0, x1) - half,
        Math.min(y0, y1) - half,
        Math.max(x0, x1) + half,
        Math.max(y0, y1) + half,
        v,
        alpha);
  }

  /** Convex polygon (vertices in either winding order). */
  void polygon(double[] xs, double[] ys, float[] v, float alpha) {
    int n = xs.length;
    double minX = Double.MAX_VALUE;
    double minY = Double.MAX_VALUE;
    double maxX = -Double.MAX_VALUE;
    double maxY = -Double.MAX_VALUE;
    double area = 0;
    for (int i = 0; i < n; i++) {
      minX = Math.min(minX, xs[i]);
      maxX = Math.max(maxX, xs[i]);
      minY = Math.min(minY, ys[i]);
      maxY = Math.max(maxY, ys[i]);
      int j = (i + 1) % n;
      area += xs[i] * ys[j] - xs[j] * ys[i];
    }
    double sign = Math.signum(area);
    paint(
        (x, y) -> {
          double d = -Double.MAX_VALUE;
          for (int i = 0; i < n; i++) {
            int j = (i + 1) % n;
            double ex = xs[j] - xs[i];
            double ey = ys[j] - ys[i];
            double len = Math.max(1e-9, len(ex, ey));
            // outward distance from the edge's line (positive outside)
            double e = -sign * ((x - xs[i]) * ey - (y - ys[i]) * ex) / len;
            d = Math.max(d, -e);
          }
          return d;
        },
        minX,
        minY,
        maxX,
        maxY,
        v,
        alpha);
  }

  /** Adds zero-mean Gaussian noise of standard deviation {@code sigma} to every value. */
  void gaussianNoise(SplittableRandom rnd, double sigma) {
    for (int i = 0; i < px.length; i++) {
      px[i] += (float) (rnd.nextGaussian() * sigma);
    }
  }

  /**
   * Multiplies each pixel inside {@code mask} by a speckle factor of mean 1 (the mean of {@code n}
   * exponential samples: ultrasound-like speckle; lower n, stronger speckle). Grey only.
   */
  void speckle(SplittableRandom rnd, int n, Shape mask) {
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        // the sum of n Exp(1) samples is -log of the product of n uniforms in (0, 1]
        double prod = 1;
        for (int k = 0; k < n; k++) {
          prod *= 1 - rnd.nextDouble();
        }
        double f = -Math.log(prod);
        if (mask.distance(x + 0.5, y + 0.5) < 0) {
          px[y * width + x] *= (float) (f / n);
        }
      }
    }
  }

  /** 3x3 binomial blur (1 2 1) twice separable, edges clamped. */
  void blur() {
    float[] tmp = new float[px.length];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        for (int c = 0; c < channels; c++) {
          int xl = Math.max(0, x - 1);
          int xr = Math.min(width - 1, x + 1);
          tmp[(y * width + x) * channels + c] =
              (px[(y * width + xl) * channels + c]
                      + 2 * px[(y * width + x) * channels + c]
                      + px[(y * width + xr) * channels + c])
                  / 4f;
        }
      }
    }
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        for (int c = 0; c < channels; c++) {
          int yu = Math.max(0, y - 1);
          int yd = Math.min(height - 1, y + 1);
          px[(y * width + x) * channels + c] =
              (tmp[(yu * width + x) * channels + c]
                      + 2 * tmp[(y * width + x) * channels + c]
                      + tmp[(yd * width + x) * channels + c])
                  / 4f;
        }
      }
    }
  }

  /** Copies {@code src} (same channel count) with its top-left corner at (ox, oy), 2:1 shrunk. */
  void drawHalf(Canvas src, int ox, int oy) {
    for (int y = 0; y < src.height / 2; y++) {
      for (int x = 0; x < src.width / 2; x++) {
        int tx = ox + x;
        int ty = oy + y;
        if (tx < 0 || ty < 0 || tx >= width || ty >= height) {
          continue;
        }
        for (int c = 0; c < channels; c++) {
          int sc = src.channels == 1 ? 0 : c;
          float s =
              src.px[((2 * y) * src.width + 2 * x) * src.channels + sc]
                  + src.px[((2 * y) * src.width + 2 * x + 1) * src.channels + sc]
                  + src.px[((2 * y + 1) * src.width + 2 * x) * src.channels + sc]
                  + src.px[((2 * y + 1) * src.width + 2 * x + 1) * src.channels + sc];
          px[(ty * width + tx) * channels + c] = s / 4f;
        }
      }
    }
  }

  // 5x7 glyphs, one int per row, bit 4 = leftmost column.
  private static final int[][] GLYPHS = {
    {0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11}, // A
    {0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E}, // B
    {0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E}, // C
    {0x1E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1E}, // D
  };

  /** Draws letter A..D with its top-left at (x, y), each font pixel {@code scale} pixels. */
  void letter(char ch, int x, int y, int scale, float v) {
    int[] g = GLYPHS[ch - 'A'];
    for (int r = 0; r < 7; r++) {
      for (int c = 0; c < 5; c++) {
        if ((g[r] >> (4 - c) & 1) != 0) {
          for (int dy = 0; dy < scale; dy++) {
            for (int dx = 0; dx < scale; dx++) {
              int tx = x + c * scale + dx;
              int ty = y + r * scale + dy;
              if (tx >= 0 && ty >= 0 && tx < width && ty < height) {
                for (int k = 0; k < channels; k++) {
                  px[(ty * width + tx) * channels + k] = v;
                }
              }
            }
          }
        }
      }
    }
  }

  /** 8-bit pixels, values clamped to [0, 1] and rounded half up. */
  BufferedImage toImage() {
    BufferedImage img =
        new BufferedImage(
            width,
            height,
            channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
    byte[] data = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    for (int i = 0; i < width * height; i++) {
      for (int c = 0; c < channels; c++) {
        // TYPE_3BYTE_BGR stores B, G, R
        int dst = channels == 1 ? i : i * 3 + (2 - c);
        data[dst] = (byte) to8(px[i * channels + c]);
      }
    }
    return img;
  }

  static int to8(float v) {
    float c = v < 0 ? 0 : (v > 1 ? 1 : v);
    return (int) (c * 255f + 0.5f);
  }

  /** PNG bytes of {@link #toImage()}; deterministic (no metadata, fixed deflate settings). */
  byte[] toPng() {
    return png(toImage());
  }

  static byte[] png(BufferedImage img) {
    Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("png");
    ImageWriter writer = it.next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 * 1024);
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(img, null, null), writer.getDefaultWriteParam());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
