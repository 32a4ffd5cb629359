package org.medclip.clip;

import java.util.Objects;

/**
 * The outcome for one item of a batch: either its vector or the reason it has none. One bad item
 * never fails the others.
 *
 * @param name the item's name (file path or {@link EncodedImage#name()})
 * @param vector the L2-normalised embedding ({@code D} floats), or {@code null} on failure
 * @param error why there is no vector (an {@code ImageDecodeException} for undecodable images), or
 *     {@code null} on success
 */
public record EmbeddingResult(String name, float[] vector, Exception error) {

  public EmbeddingResult {
    Objects.requireNonNull(name, "name");
    if ((vector == null) == (error == null)) {
      throw new IllegalArgumentException("exactly one of vector and error must be set");
    }
  }

  /** A success. */
  public static EmbeddingResult ok(String name, float[] vector) {
    return new EmbeddingResult(name, vector, null);
  }

  /** A failure. */
  public static EmbeddingResult failed(String name, Exception error) {
    return new EmbeddingResult(name, null, error);
  }

  /** Whether there is a vector. */
  public boolean isOk() {
    return vector != null;
  }

  @Override
  public String toString() {
    return "EmbeddingResult["
        + name
        + (isOk() ? ", dim " + vector.length : ", error " + error.getMessage())
        + "]";
  }
}
