package org.medclip.training.pipeline;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * PNG plots drawn with java.awt (headless): loss curves of a run and the similarity heatmap of one
 * batch, as in the reference study.
 */
public final class Plots {
  private static final Color[] PALETTE = {
    new Color(0x1f77b4),
    new Color(0xd62728),
    new Color(0x2ca02c),
    new Color(0xff7f0e),
    new Color(0x9467bd),
    new Color(0x8c564b)
  };

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private Plots() {}

  /**
   * A line chart.
   *
   * @param title chart title
   * @param xLabel x axis label
   * @param yLabel y axis label
   * @param series name to points {@code {x, y}}; non-finite points are skipped; a series with one
   *     point is drawn as a dot
   * @param out PNG file (parent created)
   */
  public static void lineChart(
      String title, String xLabel, String yLabel, Map<String, List<double[]>> series, Path out)
      throws IOException {
    int w = 800;
    int h = 500;
    int left = 70;
    int right = 180;
    int top = 40;
    int bottom = 50;
    double minX = Double.POSITIVE_INFINITY;
    double maxX = Double.NEGATIVE_INFINITY;
    double minY = Double.POSITIVE_INFINITY;
    double maxY = Double.NEGATIVE_INFINITY;
    for (List<double[]> pts : series.values()) {
      for (double[] p : pts) {
        if (Double.isFinite(p[0]) && Double.isFinite(p[1])) {
          minX = Math.min(minX, p[0]);
          maxX = Math.max(maxX, p[0]);
          minY = Math.min(minY, p[1]);
          maxY = Math.max(maxY, p[1]);
        }
      }
    }
    if (!Double.isFinite(minX)) {
      minX = 0;
      maxX = 1;
      minY = 0;
      maxY = 1;
    }
    if (maxX == minX) {
      maxX = minX + 1;
    }
    if (maxY == minY) {
      maxY = minY + 1;
    }
    double padY = (maxY - minY) * 0.05;
    minY -= padY;
    maxY += padY;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, w, h);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      int pw = w - left - right;
      int ph = h - top - bottom;
      g.setColor(new Color(0xeeeeee));
      for (int i = 0; i <= 5; i++) {
        int y = top + ph * i / 5;
        g.drawLine(left, y, left + pw, y);
      }
      g.setColor(Color.BLACK);
      g.drawRect(left, top, pw, ph);
      for (int i = 0; i <= 5; i++) {
        double yv = maxY - (maxY - minY) * i / 5;
        g.drawString(String.format(Locale.ROOT, "%.3f", yv), 5, top + ph * i / 5 + 4);
        double xv = minX + (maxX - minX) * i / 5;
        g.drawString(String.format(Locale.ROOT, "%.3g", xv), left + pw * i / 5 - 10, top + ph + 18);
      }
      g.drawString(xLabel, left + pw / 2 - 20, h - 10);
      g.drawString(yLabel, 5, top - 10);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
      g.drawString(title, left, 22);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      int s = 0;
      for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
        Color c = PALETTE[s % PALETTE.length];
        g.setColor(c);
        boolean dense = e.getValue().size() > 200;
        g.setStroke(new BasicStroke(dense ? 1f : 2f));
        int px = -1;
        int py = -1;
        for (double[] p : e.getValue()) {
          if (!Double.isFinite(p[0]) || !Double.isFinite(p[1])) {
            continue;
          }
          int x = left + (int) Math.round((p[0] - minX) / (maxX - minX) * pw);
          int y = top + (int) Math.round((maxY - p[1]) / (maxY - minY) * ph);
          if (px >= 0) {
            g.drawLine(px, py, x, y);
          }
          if (!dense) {
            g.fillOval(x - 3, y - 3, 6, 6);
          }
          px = x;
          py = y;
        }
        int ly = top + 15 + 20 * s;
        g.fillRect(left + pw + 15, ly - 8, 12, 8);
        g.setColor(Color.BLACK);
        g.drawString(e.getKey(), left + pw + 32, ly);
        s++;
      }
    } finally {
      g.dispose();
    }
    write(img, out);
  }

  /**
   * The similarity heatmap of one batch: cell (i, j) = cosine(image i, caption j), blue (low) to
   * yellow (high) scaled to the batch's min..max; the diagonal holds the true pairs.
   *
   * @param sim square similarity matrix
   * @param title chart title
   * @param out PNG file (parent created)
   */
  public static void heatmap(float[][] sim, String title, Path out) throws IOException {
    int n = sim.length;
    int cell = n == 0 ? 1 : Math.max(4, Math.min(24, 640 / n));
    int left = 50;
    int top = 40;
    int size = Math.max(1, n * cell);
    int w = left + size + 90;
    int h = top + size + 40;
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float[] row : sim) {
      for (float v : row) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    if (!(max > min)) {
      max = min + 1e-6f;
    }
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, w, h);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          g.setColor(colour((sim[i][j] - min) / (max - min)));
          g.fillRect(left + j * cell, top + i * cell, cell, cell);
        }
      }
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
      g.drawString(title, left, 22);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      g.drawString("caption j ->", left, top + size + 15);
      g.drawString("image i", 2, top + 12);
      int barX = left + size + 20;
      for (int y = 0; y < size; y++) {
        g.setColor(colour(1f - (float) y / Math.max(1, size - 1)));
        g.fillRect(barX, top + y, 15, 1);
      }
      g.setColor(Color.BLACK);
      g.drawString(String.format(Locale.ROOT, "%.2f", max), barX + 18, top + 10);
      g.drawString(String.format(Locale.ROOT, "%.2f", min), barX + 18, top + size);
    } finally {
      g.dispose();
    }
    write(img, out);
  }

  /** A blue-green-yellow ramp for t in [0, 1]. */
  private static Color colour(float t) {
    float x = Math.max(0f, Math.min(1f, t));
    float r =
        x < 0.5f ? 0.27f * (1 - 2 * x) + 0.13f * 2 * x : 0.13f + (0.99f - 0.13f) * (2 * x - 1);
    float gr = 0.0f + 0.9f * x;
    float b = x < 0.5f ? 0.33f + 0.22f * 2 * x : 0.55f - 0.41f * (2 * x - 1);
    return new Color(clamp(r), clamp(gr), clamp(b));
  }

  private static float clamp(float v) {
    return Math.max(0f, Math.min(1f, v));
  }

  private static void write(BufferedImage img, Path out) throws IOException {
    Path parent = out.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    if (!ImageIO.write(img, "png", out.toFile())) {
      throw new IOException("no PNG writer available for " + out);
    }
  }
}
