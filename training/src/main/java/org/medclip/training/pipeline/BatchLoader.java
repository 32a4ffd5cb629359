package org.medclip.training.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.medclip.clip.corpus.ImageRecord;
import org.medclip.clip.image.ImageDecodeException;
import org.medclip.clip.image.ImagePreprocessor;
import org.medclip.clip.text.ClipTokenizer;
import org.medclip.clip.text.TokenBatch;

/**
 * Makes a {@link Batch} from record indices: decodes and preprocesses each image (on the calling
 * thread) and assembles the captions' token ids, padded to the longest row of the batch with the
 * pad id (exactly what {@code ClipTokenizer.encodeBatch} returns). A pair whose image cannot be
 * decoded is dropped and counted, never fatal.
 *
 * <p>Every caption is tokenised ONCE, in the constructor, on the constructing thread: workers never
 * call the native tokenizer (so closing it can never race a worker, and each sample costs no
 * tokenisation). Memory: the unpadded ids of every record ({@code <= context} longs each).
 * Thread-safe after construction; the result depends only on the indices.
 */
public final class BatchLoader {
  private final Corpus corpus;
  private final List<ImageRecord> records;
  private final ImagePreprocessor preprocessor;
  private final long[][] tokens;
  private final long pad;

  /**
   * @param corpus where the files are
   * @param records the split the indices point into
   * @param preprocessor the model's image preprocessing
   * @param tokenizer the model's tokenizer; used only here (may be closed once built)
   */
  public BatchLoader(
      Corpus corpus,
      List<ImageRecord> records,
      ImagePreprocessor preprocessor,
      ClipTokenizer tokenizer) {
    this.corpus = corpus;
    this.records = records;
    this.preprocessor = preprocessor;
    this.tokens = new long[records.size()][];
    this.pad = records.isEmpty() ? 0 : tokenizer.padId();
    int chunk = 1024;
    for (int start = 0; start < records.size(); start += chunk) {
      int end = Math.min(records.size(), start + chunk);
      List<String> captions = new ArrayList<>(end - start);
      for (int i = start; i < end; i++) {
        captions.add(records.get(i).caption());
      }
      TokenBatch batch = tokenizer.encodeBatch(captions);
      for (int i = start; i < end; i++) {
        tokens[i] = batch.unpadded(i - start);
      }
    }
  }

  /** The records indices point into. */
  public List<ImageRecord> records() {
    return records;
  }

  /**
   * Loads one batch.
   *
   * @param index the batch's position in its epoch
   * @param indices record indices, in batch order
   */
  public Batch load(int index, int[] indices) {
    int per = 3 * preprocessor.imageSize() * preprocessor.imageSize();
    List<float[]> images = new ArrayList<>(indices.length);
    List<String> captions = new ArrayList<>(indices.length);
    List<long[]> rows = new ArrayList<>(indices.length);
    int dropped = 0;
    int longest = 0;
    for (int i : indices) {
      ImageRecord r = records.get(i);
      Path file = corpus.file(r);
      try {
        images.add(preprocessor.preprocess(file));
        captions.add(r.caption());
        rows.add(tokens[i]);
        longest = Math.max(longest, tokens[i].length);
      } catch (ImageDecodeException e) {
        dropped++;
      }
    }
    float[] pixels = new float[images.size() * per];
    for (int i = 0; i < images.size(); i++) {
      System.arraycopy(images.get(i), 0, pixels, i * per, per);
    }
    long[][] ids = new long[rows.size()][];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = Arrays.copyOf(rows.get(i), longest);
      Arrays.fill(ids[i], rows.get(i).length, longest, pad);
    }
    return new Batch(index, pixels, ids, List.copyOf(captions), images.size(), dropped);
  }
}
