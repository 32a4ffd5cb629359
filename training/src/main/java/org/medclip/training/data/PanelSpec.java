package org.medclip.training.data;

import java.util.List;

/**
 * A 2x2 multi-panel figure: four scans shrunk to half size, labelled A (top left), B (top right), C
 * (bottom left), D (bottom right).
 *
 * @param panels exactly four scans, without arrows
 */
public record PanelSpec(List<ScanSpec> panels) implements FigureSpec {

  /** Checks there are four panels without arrows. */
  public PanelSpec {
    panels = List.copyOf(panels);
    if (panels.size() != 4 || panels.stream().anyMatch(ScanSpec::arrow)) {
      throw new IllegalArgumentException("a panel figure has four scans without arrows");
    }
  }
}
