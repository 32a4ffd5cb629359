package org.medclip.backend.common;

/**
 * A failure whose message is written for the API's user (one sentence, no internals) and is sent as
 * the problem's {@code detail} with the given HTTP status.
 */
public class ApiException extends RuntimeException {
  private final int status;

  public ApiException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, message);
  }

  public static ApiException conflict(String message) {
    return new ApiException(409, message);
  }

  public static ApiException unavailable(String message) {
    return new ApiException(503, message);
  }
}
