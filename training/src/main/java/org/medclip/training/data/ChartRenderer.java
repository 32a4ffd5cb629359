package org.medclip.training.data;

import java.util.SplittableRandom;

/**
 * Draws {@link ChartSpec}s: white background, black axes with ticks, grey bars or lines with
 * markers. Values are in [0.15, 0.95] of the plot height; with a trend, bars are sorted and lines
 * are strictly monotone.
 */
final class ChartRenderer {

  private ChartRenderer() {}

  // plot area in pixels
  private static final double X0 = 20;
  private static final double X1 = 120;
  private static final double Y0 = 10; // top
  private static final double Y1 = 108; // x-axis

  static Canvas render(ChartSpec spec) {
    int size = MedicalRenderer.SIZE;
    Canvas c = new Canvas(size, size, 1);
    c.fill(0.97f);
    SplittableRandom rnd = new SplittableRandom(spec.seed());
    if (spec.kind() == ChartSpec.Kind.BAR) {
      double[] v = values(rnd, spec.series(), spec.trend());
      double slot = (X1 - X0) / spec.series();
      for (int i = 0; i < spec.series(); i++) {
        double cx = X0 + slot * (i + 0.5);
        double top = Y1 - v[i] * (Y1 - Y0);
        float grey = (float) (0.15 + 0.5 * (i % 3) / 2.0);
        c.rect(cx, (top + Y1) / 2, slot * 0.3, (Y1 - top) / 2, 0, grey);
        if (spec.errorBars()) {
          double e = 4 + rnd.nextDouble() * 5;
          c.line(cx, top - e, cx, top + e, 1, 0f);
          c.line(cx - 3, top - e, cx + 3, top - e, 1, 0f);
        }
      }
    } else {
      int points = 6;
      for (int s = 0; s < spec.series(); s++) {
        double[] v = values(rnd, points, spec.trend());
        float grey = (float) (0.05 + 0.3 * s);
        double px = 0;
        double py = 0;
        for (int i = 0; i < points; i++) {
          double x = X0 + 8 + i * (X1 - X0 - 16) / (points - 1);
          double y = Y1 - v[i] * (Y1 - Y0);
          if (i > 0) {
            c.line(px, py, x, y, 1.4, grey);
          }
          if (s == 1) {
            c.rect(x, y, 2.2, 2.2, 0, grey);
          } else if (s == 2) {
            c.polygon(
                new double[] {x, x + 3, x - 3},
                new double[] {y - 3, y + 2.5, y + 2.5},
                new float[] {grey},
                1f);
          } else {
            c.ellipse(x, y, 2.4, 2.4, 0, grey);
          }
          if (spec.errorBars()) {
            double e = 3 + rnd.nextDouble() * 3;
            c.line(x, y - e, x, y + e, 0.9, grey);
          }
          px = x;
          py = y;
        }
      }
    }
    // axes and ticks on top
    c.line(X0, Y0 - 2, X0, Y1, 1.5, 0f);
    c.line(X0, Y1, X1 + 2, Y1, 1.5, 0f);
    for (int k = 0; k <= 4; k++) {
      double y = Y1 - k * (Y1 - Y0) / 4;
      c.line(X0 - 4, y, X0, y, 1, 0f);
    }
    return c;
  }

  private static double[] values(SplittableRandom rnd, int n, ChartSpec.Trend trend) {
    double[] v = new double[n];
    if (trend == ChartSpec.Trend.NONE) {
      // not monotone: a dip or a peak in the middle
      boolean peak = rnd.nextBoolean();
      for (int i = 0; i < n; i++) {
        double mid = 1 - Math.abs(i - (n - 1) / 2.0) / ((n - 1) / 2.0 + 1e-9);
        v[i] = 0.3 + (peak ? mid : 1 - mid) * 0.5 + rnd.nextDouble() * 0.1;
      }
      return v;
    }
    double step = 0.7 / n;
    double x = 0.15 + rnd.nextDouble() * 0.05;
    for (int i = 0; i < n; i++) {
      x += step * (0.5 + rnd.nextDouble() * 0.5);
      v[i] = Math.min(0.95, x);
    }
    if (trend == ChartSpec.Trend.DECREASING) {
      for (int i = 0; i < n / 2; i++) {
        double t = v[i];
        v[i] = v[n - 1 - i];
        v[n - 1 - i] = t;
      }
    }
    return v;
  }
}
