package org.medclip.clip.corpus;

/**
 * A dataset folder, caption file or manifest cannot be used at all. The message is one complete
 * sentence that names the offending path and says what was expected, so a command line can print it
 * as is. Problems with single rows are never thrown: they are counted in a {@link DataReport}.
 */
public final class DatasetException extends Exception {

  private static final long serialVersionUID = 1L;

  /**
   * @param sentence one complete sentence for the user
   */
  public DatasetException(String sentence) {
    super(sentence);
  }

  /**
   * @param sentence one complete sentence for the user
   * @param cause the underlying I/O problem
   */
  public DatasetException(String sentence, Throwable cause) {
    super(sentence, cause);
  }
}
