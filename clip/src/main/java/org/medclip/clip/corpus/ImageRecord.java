package org.medclip.clip.corpus;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One usable image of a dataset.
 *
 * @param id image id: letters, digits, '-', '.', '_' only (see {@link ImageClefLayout#isValidId})
 * @param split the split it belongs to
 * @param image path of the image file relative to the dataset root, with '/' separators
 * @param caption the caption, trimmed and non-empty; {@code null} exactly when the split is {@link
 *     Split#UNLABELLED}
 */
public record ImageRecord(String id, Split split, String image, String caption) {

  /** Checks the invariants above. */
  public ImageRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(split, "split");
    Objects.requireNonNull(image, "image");
    if (!ImageClefLayout.isValidId(id)) {
      throw new IllegalArgumentException("invalid image id '" + id + "'");
    }
    if (image.isEmpty() || image.startsWith("/") || image.contains("\\")) {
      throw new IllegalArgumentException("image path must be relative with '/': " + image);
    }
    if (split.captioned() == (caption == null)) {
      throw new IllegalArgumentException(
          "split "
              + split.label()
              + (caption == null ? " needs" : " takes no")
              + " caption: "
              + id);
    }
    if (caption != null && caption.isBlank()) {
      throw new IllegalArgumentException("empty caption: " + id);
    }
  }

  /** The image file under {@code root}. */
  public Path resolve(Path root) {
    return root.resolve(image);
  }
}
