package org.medclip.training.data;

/**
 * A figure-like chart as found among PubMed Central figures.
 *
 * @param kind bar or line chart
 * @param series bars of a bar chart (3 to 6) or lines of a line chart (1 to 3)
 * @param trend whether values rise or fall left to right (bars sorted, lines monotone), or neither
 * @param errorBars whether bars/points carry error bars
 * @param seed drives the values
 */
public record ChartSpec(Kind kind, int series, Trend trend, boolean errorBars, long seed)
    implements FigureSpec {

  /** Chart type. */
  public enum Kind {
    BAR,
    LINE
  }

  /** Direction of the values. */
  public enum Trend {
    NONE,
    INCREASING,
    DECREASING
  }

  /** Checks the ranges above. */
  public ChartSpec {
    if (kind == Kind.BAR ? series < 3 || series > 6 : series < 1 || series > 3) {
      throw new IllegalArgumentException("series out of range for " + kind + ": " + series);
    }
  }
}
