package org.medclip.clip.image;

import java.util.Objects;

/**
 * Outcome of preprocessing one item of a batch: either the tensor or the error, never both.
 *
 * @param name the item's file name or label
 * @param tensor CHW float tensor of length {@code 3 * S * S}, or {@code null} on failure
 * @param error why the item failed, or {@code null} on success
 */
public record PreprocessResult(String name, float[] tensor, ImageDecodeException error) {

  /** Exactly one of {@code tensor} and {@code error} is non-null. */
  public PreprocessResult {
    Objects.requireNonNull(name, "name");
    if ((tensor == null) == (error == null)) {
      throw new IllegalArgumentException("exactly one of tensor and error must be set");
    }
  }

  /** A successful item. */
  public static PreprocessResult success(String name, float[] tensor) {
    return new PreprocessResult(name, Objects.requireNonNull(tensor, "tensor"), null);
  }

  /** A failed item. */
  public static PreprocessResult failure(String name, ImageDecodeException error) {
    return new PreprocessResult(name, null, Objects.requireNonNull(error, "error"));
  }

  /** Whether the item produced a tensor. */
  public boolean ok() {
    return tensor != null;
  }
}
