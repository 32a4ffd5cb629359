package org.medclip.clip;

/**
 * ONNX Runtime failed to run an encoder, or a graph returned something other than {@code [N, D]}
 * floats. Not caused by one bad input item (those are per-item {@link EmbeddingResult} errors or
 * {@link IllegalArgumentException}s).
 */
public class EncodingException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed
   * @param cause the underlying error
   */
  public EncodingException(String message, Throwable cause) {
    super(message, cause);
  }
}
