package org.medclip.clip.corpus;

import java.util.List;
import java.util.regex.Pattern;

/**
 * File names of the ImageCLEF 2017 Caption Prediction layout, relative to the dataset root. The
 * reader and the synthetic generators share these names, so a generated corpus is read exactly like
 * the real one.
 *
 * <pre>
 * training/CaptionPredictionTraining2017-Captions.csv     id TAB caption, no header
 * training/CaptionPredictionTraining2017/&lt;id&gt;.jpg
 * validation/CaptionPredictionValidation2017-Captions.csv
 * validation/ConceptDetectionValidation2017/&lt;id&gt;.jpg     (sic: the official folder name)
 * test/CaptionPredictionTesting2017-List.txt              one id per line, no captions
 * test/CaptionPredictionTesting2017/&lt;id&gt;.jpg
 * </pre>
 */
public final class ImageClefLayout {

  private ImageClefLayout() {}

  /** Folder of the original training set. */
  public static final String TRAINING_DIR = "training";

  /** Caption file of the original training set. */
  public static final String TRAINING_CAPTIONS =
      "training/CaptionPredictionTraining2017-Captions.csv";

  /** Image folder of the original training set. */
  public static final String TRAINING_IMAGES = "training/CaptionPredictionTraining2017";

  /** Folder of the original validation set (our TEST split). */
  public static final String VALIDATION_DIR = "validation";

  /** Caption file of the original validation set. */
  public static final String VALIDATION_CAPTIONS =
      "validation/CaptionPredictionValidation2017-Captions.csv";

  /** Image folder of the original validation set, under its official (concept detection) name. */
  public static final String VALIDATION_IMAGES = "validation/ConceptDetectionValidation2017";

  /** Also accepted when {@link #VALIDATION_IMAGES} is absent. */
  public static final String VALIDATION_IMAGES_ALT = "validation/CaptionPredictionValidation2017";

  /** Folder of the original, uncaptioned test set. */
  public static final String TEST_DIR = "test";

  /** Id list of the original test set. */
  public static final String TEST_LIST = "test/CaptionPredictionTesting2017-List.txt";

  /** Image folder of the original test set. */
  public static final String TEST_IMAGES = "test/CaptionPredictionTesting2017";

  /** Accepted image extensions, in order of preference when several files share an id. */
  public static final List<String> IMAGE_EXTENSIONS = List.of(".jpg", ".jpeg", ".png");

  /** Longest accepted id, in characters. */
  public static final int MAX_ID_LENGTH = 200;

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]+");

  /**
   * Whether {@code id} can name a file safely: 1 to {@link #MAX_ID_LENGTH} letters, digits, '-',
   * '.' or '_', and not {@code .} or {@code ..}.
   */
  public static boolean isValidId(String id) {
    return id != null
        && !id.isEmpty()
        && id.length() <= MAX_ID_LENGTH
        && ID.matcher(id).matches()
        && !id.equals(".")
        && !id.equals("..");
  }
}
