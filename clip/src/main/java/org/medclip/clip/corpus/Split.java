package org.medclip.clip.corpus;

import java.util.Locale;

/**
 * The split an image belongs to, as in the reference study: the original ImageCLEF validation set
 * is the TEST split, the original training set is divided 90:10 into TRAIN and VALIDATION, and the
 * uncaptioned ImageCLEF test images are {@link #UNLABELLED} (indexed for search, never trained on).
 */
public enum Split {
  /** Used for fine-tuning. */
  TRAIN,
  /** Held out from the original training set for model selection. */
  VALIDATION,
  /** The original ImageCLEF validation set: held out for the final evaluation. */
  TEST,
  /** The original ImageCLEF test images: no caption; only indexed. */
  UNLABELLED;

  /** Lower-case name used in manifests and reports ({@code train}, {@code validation}, ...). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether images of this split carry a caption. */
  public boolean captioned() {
    return this != UNLABELLED;
  }

  /**
   * Parses {@link #label()} (case-insensitive); also accepts {@code index-only} for {@link
   * #UNLABELLED}.
   *
   * @throws IllegalArgumentException for any other text
   */
  public static Split parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("index-only")) {
      return UNLABELLED;
    }
    for (Split s : values()) {
      if (s.label().equals(t)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown split '" + text + "' (expected train, validation, test or unlabelled)");
  }
}
