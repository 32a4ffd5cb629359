package org.medclip.clip;

import java.util.Objects;

/**
 * An encoded image file's bytes (JPEG, PNG, ...) and a name for messages and results.
 *
 * @param name a label (file name, upload name, id); never logged with patient identifiers
 * @param bytes the encoded file content (not copied; do not modify while embedding)
 */
public record EncodedImage(String name, byte[] bytes) {

  public EncodedImage {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(bytes, "bytes");
  }
}
