package org.medclip.training.pipeline;

/**
 * Input the user must fix (data folder, start model, config file, options). The message is ONE
 * complete sentence naming what is wrong, printed as is by the command line, which then exits with
 * code 2. Always thrown before any training starts.
 */
public final class UserInputException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * @param sentence one complete sentence for the user
   */
  public UserInputException(String sentence) {
    super(sentence);
  }

  /**
   * @param sentence one complete sentence for the user
   * @param cause the underlying problem
   */
  public UserInputException(String sentence, Throwable cause) {
    super(sentence, cause);
  }

  /** {@code text} as one sentence: trimmed, first letter capitalised, ending in a full stop. */
  static String sentence(String text) {
    String t = text == null ? "" : text.strip().replace('\n', ' ');
    if (t.isEmpty()) {
      return "Unknown problem.";
    }
    t = Character.toUpperCase(t.charAt(0)) + t.substring(1);
    return t.endsWith(".") ? t : t + ".";
  }
}
