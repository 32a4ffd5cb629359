package org.medclip.clip.bundle;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model bundle directory that cannot be served: a file is missing, {@code clip-model.json} is
 * malformed or inconsistent, its format version is unknown, or an ONNX graph or the tokenizer does
 * not match the spec. The message always names the bundle directory and, where there is one, the
 * offending file.
 */
public class InvalidBundleException extends IOException {

  private static final long serialVersionUID = 1L;

  private final Path directory;

  /**
   * @param directory the bundle directory
   * @param message what is wrong, naming the file
   */
  public InvalidBundleException(Path directory, String message) {
    super(message);
    this.directory = directory;
  }

  /**
   * @param directory the bundle directory
   * @param message what is wrong, naming the file
   * @param cause the underlying failure
   */
  public InvalidBundleException(Path directory, String message, Throwable cause) {
    super(message, cause);
    this.directory = directory;
  }

  /** The bundle directory this error is about. */
  public Path directory() {
    return directory;
  }
}
