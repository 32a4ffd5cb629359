package org.medclip.clip;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.medclip.clip.bundle.InvalidBundleException;
import org.medclip.clip.bundle.ModelBundle;
import org.medclip.clip.bundle.ModelSpec;
import org.medclip.clip.image.ImageDecodeException;
import org.medclip.clip.image.ImagePreprocessor;
import org.medclip.clip.onnx.EncoderSession;
import org.medclip.clip.onnx.EncoderSession.GraphMismatchException;
import org.medclip.clip.onnx.SessionFactory;
import org.medclip.clip.text.ClipTokenizer;
import org.medclip.clip.text.TokenBatch;

/**
 * Turns texts and images into the model's vectors with ONNX Runtime: the one place that does so for
 * training's evaluation, ingest and search.
 *
 * <p>Output: {@code D = spec.embeddingDim} floats per item, L2-normalised by the graphs (so the dot
 * product of two vectors is their cosine similarity). Rows do not depend on batch composition or
 * batch size: image rows are independent, and text rows are read at the EOS token under a causal
 * mask, so padding after it changes nothing.
 *
 * <p>Opening checks the bundle ({@link ModelBundle#load}) and both graphs' signatures: {@code
 * pixel_values} float32 {@code [N,3,S,S]} to {@code image_embeds} {@code [N,D]}; {@code input_ids}
 * int64 {@code [N,L]} to {@code text_embeds} {@code [N,D]}. A text graph with a fixed {@code L}
 * gets rows padded to the context length (which must then equal {@code L}).
 *
 * <p>Thread safety: all methods may be called concurrently. Each encoder holds ONE ONNX Runtime
 * session per graph, shared by all threads ({@code OrtSession.run} is thread-safe); intra-op
 * threads per run are set by {@link EncoderOptions#intraOpThreads()}. {@link #close()} waits for
 * running calls and makes later calls fail with {@link IllegalStateException}.
 */
public final class ClipEncoder implements AutoCloseable {

  /** Input name of the image graph. */
  public static final String PIXEL_VALUES = "pixel_values";

  /** Output name of the image graph. */
  public static final String IMAGE_EMBEDS = "image_embeds";

  /** Input name of the text graph. */
  public static final String INPUT_IDS = "input_ids";

  /** Output name of the text graph. */
  public static final String TEXT_EMBEDS = "text_embeds";

  private final ModelBundle bundle;
  private final EncoderOptions options;
  private final ClipTokenizer tokenizer;
  private final ClipTokenizer.Padding padding;
  private final ImagePreprocessor preprocessor;
  private final EncoderSession imageSession;
  private final EncoderSession textSession;
  private final int dimension;
  private final int pixelsPerImage;
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private boolean closed;

  /**
   * Opens a bundle with default options (batch 32, CPU).
   *
   * @param bundleDir the bundle directory
   * @return the encoder
   * @throws InvalidBundleException when the bundle is incomplete, inconsistent or its graphs do not
   *     match the contract
   * @throws IOException when a file cannot be read
   */
  public static ClipEncoder open(Path bundleDir) throws IOException {
    return open(bundleDir, EncoderOptions.defaults());
  }

  /**
   * Opens a bundle.
   *
   * @param bundleDir the bundle directory
   * @param options batch size, threads, execution provider
   * @return the encoder
   * @throws InvalidBundleException when the bundle is incomplete, inconsistent or its graphs do not
   *     match the contract
   * @throws IOException when a file cannot be read
   */
  public static ClipEncoder open(Path bundleDir, EncoderOptions options) throws IOException {
    return new ClipEncoder(ModelBundle.load(bundleDir), options);
  }

  /**
   * Opens the sessions of a loaded bundle.
   *
   * @param bundle a loaded bundle
   * @param options batch size, threads, execution provider
   * @throws InvalidBundleException when a graph or the tokenizer does not match the spec
   * @throws IOException when a file cannot be read
   */
  public ClipEncoder(ModelBundle bundle, EncoderOptions options) throws IOException {
    this.bundle = Objects.requireNonNull(bundle, "bundle");
    this.options = Objects.requireNonNull(options, "options");
    ModelSpec spec = bundle.spec();
    this.dimension = spec.embeddingDim();
    int s = spec.imageSize();
    this.pixelsPerImage = 3 * s * s;
    this.preprocessor = new ImagePreprocessor(s, spec.imageMean(), spec.imageStd());
    SessionFactory factory =
        new SessionFactory(options.intraOpThreads(), options.useCuda(), options.cudaDevice());
    ClipTokenizer tok = null;
    EncoderSession image = null;
    EncoderSession text = null;
    try {
      tok = ClipTokenizer.load(bundle);
      image =
          openGraph(
              factory,
              bundle.imageEncoder(),
              PIXEL_VALUES,
              OnnxJavaType.FLOAT,
              new long[] {-1, 3, s, s},
              IMAGE_EMBEDS);
      text =
          openGraph(
              factory,
              bundle.textEncoder(),
              INPUT_IDS,
              OnnxJavaType.INT64,
              new long[] {-1, -1},
              TEXT_EMBEDS);
      long fixedLength = text.inputShape()[1];
      if (fixedLength > 0 && fixedLength != spec.contextLength()) {
        throw new InvalidBundleException(
            bundle.directory(),
            ModelBundle.TEXT_ENCODER_FILE
                + " in "
                + bundle.directory()
                + " has a fixed input length "
                + fixedLength
                + " but context_length is "
                + spec.contextLength());
      }
      this.padding =
          fixedLength > 0 ? ClipTokenizer.Padding.CONTEXT : ClipTokenizer.Padding.LONGEST;
    } catch (IOException | RuntimeException e) {
      closeQuietly(tok, image, text);
      throw e;
    }
    this.tokenizer = tok;
    this.imageSession = image;
    this.textSession = text;
  }

  private EncoderSession openGraph(
      SessionFactory factory,
      Path file,
      String input,
      OnnxJavaType type,
      long[] shape,
      String output)
      throws InvalidBundleException {
    String where = file.getFileName() + " in " + bundle.directory();
    try {
      return EncoderSession.open(file, factory, input, type, shape, output, dimension);
    } catch (GraphMismatchException e) {
      throw new InvalidBundleException(bundle.directory(), where + " " + e.getMessage(), e);
    } catch (OrtException e) {
      throw new InvalidBundleException(
          bundle.directory(), where + " cannot be loaded by ONNX Runtime: " + e.getMessage(), e);
    }
  }

  /** The bundle's spec. */
  public ModelSpec spec() {
    return bundle.spec();
  }

  /** The bundle. */
  public ModelBundle bundle() {
    return bundle;
  }

  /** Vector length {@code D}. */
  public int dimension() {
    return dimension;
  }

  /** The tokenizer (shared; do not close). */
  public ClipTokenizer tokenizer() {
    return tokenizer;
  }

  /** Where the image graph runs: {@code CUDA} or {@code CPU}. */
  public String executionProvider() {
    return imageSession.provider();
  }

  /** The options this encoder was opened with. */
  public EncoderOptions options() {
    return options;
  }

  /**
   * Embeds one text (a search query).
   *
   * @param text the text, not null; see {@link ClipTokenizer} for empty, long and unusual texts
   * @return the L2-normalised vector
   */
  public float[] embedText(String text) {
    Objects.requireNonNull(text, "text is null");
    return embedTexts(List.of(text))[0];
  }

  /**
   * Embeds texts in batches of {@link EncoderOptions#batchSize()}.
   *
   * @param texts the texts, none null
   * @return one L2-normalised vector per text, in order
   * @throws NullPointerException when a text is null (names its index)
   * @throws EncodingException when ONNX Runtime fails
   */
  public float[][] embedTexts(List<String> texts) {
    Objects.requireNonNull(texts, "texts is null");
    for (int i = 0; i < texts.size(); i++) {
      if (texts.get(i) == null) {
        throw new NullPointerException("texts[" + i + "] is null");
      }
    }
    float[][] out = new float[texts.size()][];
    int batch = options.batchSize();
    for (int start = 0; start < texts.size(); start += batch) {
      List<String> chunk = texts.subList(start, Math.min(texts.size(), start + batch));
      split(runText(chunk), chunk.size(), out, start);
    }
    return out;
  }

  /**
   * Embeds preprocessed images in batches of {@link EncoderOptions#batchSize()}.
   *
   * @param preprocessedChw images as produced by {@code ImagePreprocessor}: {@code 3 x S x S}
   *     floats each, channels first, already normalised
   * @return one L2-normalised vector per image, in order
   * @throws IllegalArgumentException when an image has the wrong length (names its index)
   * @throws EncodingException when ONNX Runtime fails
   */
  public float[][] embedImages(List<float[]> preprocessedChw) {
    Objects.requireNonNull(preprocessedChw, "preprocessedChw is null");
    for (int i = 0; i < preprocessedChw.size(); i++) {
      float[] img = preprocessedChw.get(i);
      if (img == null || img.length != pixelsPerImage) {
        throw new IllegalArgumentException(
            "image "
                + i
                + " has "
                + (img == null ? "no data" : img.length + " floats")
                + ", expected 3 x "
                + spec().imageSize()
                + " x "
                + spec().imageSize()
                + " = "
                + pixelsPerImage);
      }
    }
    float[][] out = new float[preprocessedChw.size()][];
    int batch = options.batchSize();
    for (int start = 0; start < preprocessedChw.size(); start += batch) {
      List<float[]> chunk =
          preprocessedChw.subList(start, Math.min(preprocessedChw.size(), start + batch));
      split(runImages(chunk), chunk.size(), out, start);
    }
    return out;
  }

  /**
   * Decodes, preprocesses and embeds image files. A file that cannot be read or decoded gets an
   * error result; the others are embedded. Decoding runs on the calling thread; call from several
   * threads to decode in parallel.
   *
   * @param files image files
   * @return one result per file, in order, named by the path
   */
  public List<EmbeddingResult> embedImageFiles(List<Path> files) {
    Objects.requireNonNull(files, "files is null");
    List<String> names = new ArrayList<>(files.size());
    List<Object> sources = new ArrayList<>(files.size());
    for (Path p : files) {
      names.add(String.valueOf(p));
      sources.add(p);
    }
    return embedDecoded(names, sources);
  }

  /**
   * Decodes, preprocesses and embeds encoded images (uploads, database blobs). An image that cannot
   * be decoded gets an error result; the others are embedded.
   *
   * @param images named encoded images
   * @return one result per image, in order
   */
  public List<EmbeddingResult> embedImageBytes(List<EncodedImage> images) {
    Objects.requireNonNull(images, "images is null");
    List<String> names = new ArrayList<>(images.size());
    List<Object> sources = new ArrayList<>(images.size());
    for (EncodedImage img : images) {
      names.add(img == null ? "<null>" : img.name());
      sources.add(img);
    }
    return embedDecoded(names, sources);
  }

  private List<EmbeddingResult> embedDecoded(List<String> names, List<Object> sources) {
    EmbeddingResult[] results = new EmbeddingResult[names.size()];
    int batch = options.batchSize();
    for (int start = 0; start < names.size(); start += batch) {
      int end = Math.min(names.size(), start + batch);
      List<float[]> tensors = new ArrayList<>(end - start);
      List<Integer> positions = new ArrayList<>(end - start);
      for (int i = start; i < end; i++) {
        try {
          tensors.add(preprocess(sources.get(i)));
          positions.add(i);
        } catch (ImageDecodeException | RuntimeException e) {
          results[i] = EmbeddingResult.failed(names.get(i), e);
        }
      }
      if (tensors.isEmpty()) {
        continue;
      }
      try {
        float[] flat = runImages(tensors);
        for (int k = 0; k < positions.size(); k++) {
          int i = positions.get(k);
          results[i] =
              EmbeddingResult.ok(
                  names.get(i), Arrays.copyOfRange(flat, k * dimension, (k + 1) * dimension));
        }
      } catch (EncodingException e) {
        for (int i : positions) {
          results[i] = EmbeddingResult.failed(names.get(i), e);
        }
      }
    }
    return List.of(results);
  }

  private float[] preprocess(Object source) throws ImageDecodeException {
    if (source instanceof Path p) {
      return preprocessor.preprocess(p);
    }
    if (source instanceof EncodedImage img) {
      return preprocessor.preprocess(img.bytes(), img.name());
    }
    throw new IllegalArgumentException("image is null");
  }

  private float[] runText(List<String> texts) {
    ReentrantReadWriteLock.ReadLock lock = lifecycle.readLock();
    lock.lock();
    try {
      ensureOpen();
      // tokenise under the lock too: the native tokenizer is freed by close()
      TokenBatch ids = tokenizer.encodeBatch(texts, padding);
      LongBuffer buffer =
          ByteBuffer.allocateDirect(ids.ids().length * Long.BYTES)
              .order(ByteOrder.nativeOrder())
              .asLongBuffer();
      buffer.put(ids.ids()).rewind();
      try (OnnxTensor input =
          OnnxTensor.createTensor(EncoderSession.environment(), buffer, ids.shape())) {
        return textSession.run(input, ids.rows());
      }
    } catch (OrtException | GraphMismatchException e) {
      throw new EncodingException(
          ModelBundle.TEXT_ENCODER_FILE + " failed on a batch of " + texts.size() + ": " + e, e);
    } finally {
      lock.unlock();
    }
  }

  private float[] runImages(List<float[]> images) {
    ReentrantReadWriteLock.ReadLock lock = lifecycle.readLock();
    lock.lock();
    try {
      ensureOpen();
      int s = spec().imageSize();
      FloatBuffer buffer =
          ByteBuffer.allocateDirect(images.size() * pixelsPerImage * Float.BYTES)
              .order(ByteOrder.nativeOrder())
              .asFloatBuffer();
      for (float[] img : images) {
        buffer.put(img);
      }
      buffer.rewind();
      try (OnnxTensor input =
          OnnxTensor.createTensor(
              EncoderSession.environment(), buffer, new long[] {images.size(), 3, s, s})) {
        return imageSession.run(input, images.size());
      }
    } catch (OrtException | GraphMismatchException e) {
      throw new EncodingException(
          ModelBundle.IMAGE_ENCODER_FILE + " failed on a batch of " + images.size() + ": " + e, e);
    } finally {
      lock.unlock();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("encoder for " + bundle.directory() + " is closed");
    }
  }

  private void split(float[] flat, int rows, float[][] out, int offset) {
    for (int r = 0; r < rows; r++) {
      out[offset + r] = Arrays.copyOfRange(flat, r * dimension, (r + 1) * dimension);
    }
  }

  /** Closes both sessions and the tokenizer, after running calls have finished. Idempotent. */
  @Override
  public void close() {
    ReentrantReadWriteLock.WriteLock lock = lifecycle.writeLock();
    lock.lock();
    try {
      if (!closed) {
        closed = true;
        closeQuietly(tokenizer, imageSession, textSession);
      }
    } finally {
      lock.unlock();
    }
  }

  private static void closeQuietly(AutoCloseable... resources) {
    for (AutoCloseable r : resources) {
      if (r != null) {
        try {
          r.close();
        } catch (Exception e) {
          // nothing useful to do: the native memory is released or already gone
        }
      }
    }
  }
}
