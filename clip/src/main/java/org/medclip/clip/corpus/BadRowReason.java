package org.medclip.clip.corpus;

import java.util.Locale;

/** Why a row of a caption file or test list was left out. Bad rows are counted, never fatal. */
public enum BadRowReason {
  /** The line's bytes are not valid UTF-8 (decoded strictly, line by line). */
  INVALID_UTF8("bytes that are not valid UTF-8"),
  /** A caption file line without a tab between id and caption. */
  NO_TAB("no tab between image id and caption"),
  /**
   * More than one tab on a caption line (or any tab on a test-list line). Such a row is reported
   * rather than guessed at: the caption could be split over columns or the id could be wrong.
   */
  EXTRA_TABS("more than one tab: the row has more than two columns"),
  /** The id is empty or has characters other than letters, digits, '-', '.' and '_'. */
  INVALID_ID("empty image id, or characters other than letters, digits, '-', '.', '_'"),
  /** The caption is empty or only white space. */
  EMPTY_CAPTION("empty caption"),
  /** The id was already listed (in this file or an earlier one); the first row wins. */
  DUPLICATE_ID("image id listed before; the first row is kept"),
  /** No {@code <id>.jpg}, {@code .jpeg} or {@code .png} in the split's image folder. */
  MISSING_IMAGE("no image file <id>.jpg, .jpeg or .png in the image folder"),
  /** The image header cannot be read (only checked with image verification on). */
  UNDECODABLE_IMAGE("image file that cannot be decoded");

  private final String description;

  BadRowReason(String description) {
    this.description = description;
  }

  /** One phrase for reports. */
  public String description() {
    return description;
  }

  /** Lower-case key for JSON ({@code missing_image}, ...). */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
