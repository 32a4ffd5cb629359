package org.medclip.training.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.medclip.clip.corpus.DatasetException;
import org.medclip.clip.corpus.ImageClefDataset;
import org.medclip.clip.corpus.ImageRecord;
import org.medclip.clip.corpus.Split;
import org.medclip.clip.corpus.SplitManifest;

/**
 * A dataset folder in the ImageCLEF 2017 layout with its split manifest (an adapter over {@code
 * org.medclip.training.data}): every command reads its records through here so that all of them see
 * the same split.
 *
 * @param root the dataset folder
 * @param records all usable records, each split sorted by id (the manifest's order)
 */
public record Corpus(Path root, List<ImageRecord> records) {

  /**
   * Reads {@code root}, reusing the manifest at {@code manifest} when it exists and writing it
   * otherwise ({@code null}: {@code root/split-manifest.tsv}).
   *
   * @param splitSeed seed of the 90:10 train/validation split (only used when the manifest is made)
   * @throws UserInputException one sentence: missing or empty folder, wrong layout, no matching
   *     images, unreadable manifest
   */
  public static Corpus open(Path root, Path manifest, long splitSeed) throws UserInputException {
    if (root == null) {
      throw new UserInputException("No data folder was given (use --data).");
    }
    Path m = manifest != null ? manifest : root.resolve(SplitManifest.DEFAULT_FILE_NAME);
    if (!Files.isDirectory(root)) {
      // Checked here too so that a stale manifest never hides a missing folder.
      throw new UserInputException(
          Files.exists(root)
              ? "Dataset path " + root + " is a file, not a folder in the ImageCLEF 2017 layout."
              : "Dataset folder " + root + " does not exist.");
    }
    try {
      List<ImageRecord> records =
          SplitManifest.loadOrCreate(
              root, m, ImageClefDataset.Options.defaults().withSeed(splitSeed));
      return new Corpus(root, List.copyOf(records));
    } catch (DatasetException e) {
      throw new UserInputException(UserInputException.sentence(e.getMessage()), e);
    }
  }

  /** Records of one split, in manifest order (sorted by id). */
  public List<ImageRecord> split(Split split) {
    return records.stream().filter(r -> r.split() == split).toList();
  }

  /**
   * Records of a split that must not be empty.
   *
   * @throws UserInputException naming the folder and the split
   */
  public List<ImageRecord> require(Split split) throws UserInputException {
    List<ImageRecord> out = split(split);
    if (out.isEmpty()) {
      throw new UserInputException(
          "The dataset " + root + " has no usable images in its " + split.label() + " split.");
    }
    return out;
  }

  /** Absolute image file of a record. */
  public Path file(ImageRecord r) {
    return r.resolve(root);
  }
}
