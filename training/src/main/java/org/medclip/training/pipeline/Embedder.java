package org.medclip.training.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.medclip.clip.ClipEncoder;
import org.medclip.clip.EncoderOptions;
import org.medclip.clip.bundle.ModelSpec;
import org.medclip.clip.image.ImagePreprocessor;
import org.medclip.clip.image.PreprocessResult;
import org.medclip.clip.text.ClipTokenizer;
import org.medclip.training.model.ClipModel;

/**
 * Turns images and captions into L2-normalised embeddings for evaluation: either the DJL model
 * being trained ({@link #djl}) or an exported bundle through ONNX Runtime ({@link #bundle}, what
 * serving sees).
 */
public interface Embedder extends AutoCloseable {

  /**
   * One row per file, in order; {@code null} for a file that cannot be read or decoded.
   *
   * @param files image files
   */
  float[][] embedImages(List<Path> files);

  /** One row per text, in order. */
  float[][] embedTexts(List<String> texts);

  /** What is being evaluated, for reports. */
  String description();

  @Override
  void close();

  /**
   * The DJL model, without gradients. Does not take ownership of the model or the tokenizer.
   *
   * @param batchSize images/texts per forward pass
   * @param decodeThreads threads decoding and preprocessing images
   */
  static Embedder djl(
      ClipModel model,
      ClipTokenizer tokenizer,
      ImagePreprocessor preprocessor,
      int batchSize,
      int decodeThreads,
      String description) {
    return new Embedder() {
      @Override
      public float[][] embedImages(List<Path> files) {
        float[][] out = new float[files.size()][];
        int per = 3 * preprocessor.imageSize() * preprocessor.imageSize();
        for (int start = 0; start < files.size(); start += batchSize) {
          List<Path> chunk = files.subList(start, Math.min(files.size(), start + batchSize));
          List<PreprocessResult> pre = preprocessor.preprocessAll(chunk, decodeThreads);
          List<Integer> ok = new ArrayList<>();
          for (int i = 0; i < pre.size(); i++) {
            if (pre.get(i).ok()) {
              ok.add(i);
            }
          }
          if (ok.isEmpty()) {
            continue;
          }
          float[] chw = new float[ok.size() * per];
          for (int i = 0; i < ok.size(); i++) {
            System.arraycopy(pre.get(ok.get(i)).tensor(), 0, chw, i * per, per);
          }
          float[][] rows = model.embedImages(chw, ok.size());
          for (int i = 0; i < ok.size(); i++) {
            out[start + ok.get(i)] = rows[i];
          }
        }
        return out;
      }

      @Override
      public float[][] embedTexts(List<String> texts) {
        float[][] out = new float[texts.size()][];
        for (int start = 0; start < texts.size(); start += batchSize) {
          List<String> chunk = texts.subList(start, Math.min(texts.size(), start + batchSize));
          float[][] rows = model.embedTexts(tokenizer.encodeBatch(chunk).toArray());
          System.arraycopy(rows, 0, out, start, rows.length);
        }
        return out;
      }

      @Override
      public String description() {
        return description;
      }

      @Override
      public void close() {}
    };
  }

  /**
   * A bundle through {@link ClipEncoder}: the exact vectors serving computes.
   *
   * @param batchSize images/texts per ONNX Runtime run
   * @param threads intra-op threads of ONNX Runtime and image decoding threads
   * @throws IOException when the bundle is invalid or unreadable
   */
  static Embedder bundle(Path bundleDir, int batchSize, int threads) throws IOException {
    ClipEncoder encoder =
        ClipEncoder.open(
            bundleDir,
            EncoderOptions.defaults().withBatchSize(batchSize).withIntraOpThreads(threads));
    ModelSpec spec = encoder.spec();
    ImagePreprocessor preprocessor =
        new ImagePreprocessor(spec.imageSize(), spec.imageMean(), spec.imageStd());
    return new Embedder() {
      @Override
      public float[][] embedImages(List<Path> files) {
        List<PreprocessResult> pre = preprocessor.preprocessAll(files, threads);
        List<float[]> ok = new ArrayList<>();
        for (PreprocessResult r : pre) {
          if (r.ok()) {
            ok.add(r.tensor());
          }
        }
        float[][] rows = encoder.embedImages(ok);
        float[][] out = new float[files.size()][];
        int next = 0;
        for (int i = 0; i < pre.size(); i++) {
          if (pre.get(i).ok()) {
            out[i] = rows[next++];
          }
        }
        return out;
      }

      @Override
      public float[][] embedTexts(List<String> texts) {
        return encoder.embedTexts(texts);
      }

      @Override
      public String description() {
        return "bundle " + bundleDir;
      }

      @Override
      public void close() {
        encoder.close();
      }
    };
  }
}
