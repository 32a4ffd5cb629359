package org.medclip.clip.corpus;

import java.util.Locale;

/** Harmless irregularities in the input: the rows are kept, but the report mentions them. */
public enum DataNote {
  /** A UTF-8 byte order mark at the start of a file; stripped. */
  BOM("UTF-8 byte order mark at the start of the file (stripped)"),
  /** Lines ending in CR LF; the CR is stripped. */
  CRLF("lines ending in CR LF (accepted)"),
  /** Empty or all-white-space lines; skipped. */
  BLANK_LINE("blank lines (skipped)"),
  /** The dataset has no {@code test/} folder, so there are no unlabelled images. */
  NO_TEST_FOLDER("no test/ folder: no unlabelled images to index");

  private final String description;

  DataNote(String description) {
    this.description = description;
  }

  /** One phrase for reports. */
  public String description() {
    return description;
  }

  /** Lower-case key for JSON. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
