package org.medclip.backend.ingest;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;
import org.medclip.clip.image.RgbImage;

/** JPEG thumbnails: the longest side scaled down to at most {@link #MAX_SIDE} pixels. */
final class Thumbnails {
  /** Longest side of a thumbnail, in pixels. */
  static final int MAX_SIDE = 256;

  private Thumbnails() {}

  /**
   * A JPEG of the image, box-filtered (area average) so that its longest side is at most {@link
   * #MAX_SIDE}; smaller images keep their size.
   */
  static byte[] jpeg(RgbImage image) {
    int w = image.width();
    int h = image.height();
    double scale = Math.min(1.0, (double) MAX_SIDE / Math.max(w, h));
    int tw = Math.max(1, (int) Math.round(w * scale));
    int th = Math.max(1, (int) Math.round(h * scale));
    byte[] rgb = image.rgb();
    int[] pixels = new int[tw * th];
    for (int ty = 0; ty < th; ty++) {
      int y0 = (int) ((long) ty * h / th);
      int y1 = Math.max(y0 + 1, (int) ((long) (ty + 1) * h / th));
      for (int tx = 0; tx < tw; tx++) {
        int x0 = (int) ((long) tx * w / tw);
        int x1 = Math.max(x0 + 1, (int) ((long) (tx + 1) * w / tw));
        long r = 0;
        long g = 0;
        long b = 0;
        for (int y = y0; y < y1; y++) {
          int row = y * w;
          for (int x = x0; x < x1; x++) {
            int i = (row + x) * 3;
            r += rgb[i] & 0xFF;
            g += rgb[i + 1] & 0xFF;
            b += rgb[i + 2] & 0xFF;
          }
        }
        long n = (long) (y1 - y0) * (x1 - x0);
        pixels[ty * tw + tx] =
            (int) ((r + n / 2) / n) << 16 | (int) ((g + n / 2) / n) << 8 | (int) ((b + n / 2) / n);
      }
    }
    BufferedImage out = new BufferedImage(tw, th, BufferedImage.TYPE_INT_RGB);
    out.setRGB(0, 0, tw, th, pixels, 0, tw);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(out, "jpg", bytes)) {
        throw new IllegalStateException("no JPEG writer in this JVM");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
