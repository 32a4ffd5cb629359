package org.medclip.clip.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import org.medclip.clip.image.ImageDecodeException.Reason;

/**
 * Hugging Face {@code CLIPImageProcessor} preprocessing with the PIL backend, reproduced
 * bit-for-bit for lossless inputs:
 *
 * <ol>
 *   <li>decode and convert to RGB like Pillow's {@code convert("RGB")} ({@link ImageDecoder});
 *   <li>resize so the short side is {@code S}: the long side becomes {@code int(S * long / short)}
 *       (HF's {@code get_resize_output_image_size} with {@code default_to_square=False}), with
 *       Pillow's antialiased BICUBIC ({@link PillowResize});
 *   <li>centre crop {@code S x S}: {@code top = (H - S) // 2}, {@code left = (W - S) // 2}; an axis
 *       shorter than {@code S} is zero-padded first, centred with {@code ceil((S - n) / 2)} leading
 *       zeros, as HF's {@code center_crop} does;
 *   <li>per channel {@code v -> ((float)(v * (1.0 / 255)) - mean) / std}: the rescale is done in
 *       double and stored as float32, the normalisation in float32 with float32 mean and std,
 *       matching HF's numpy arithmetic exactly;
 *   <li>channels first: {@code out[c * S * S + y * S + x]}.
 * </ol>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ImagePreprocessor {

  /** CLIP's per-channel mean (RGB), from openai/clip-vit-base-patch32. */
  public static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};

  /** CLIP's per-channel standard deviation (RGB). */
  public static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

  /** Largest file {@link #preprocess(Path)} reads into memory, in bytes. */
  public static final long MAX_FILE_BYTES = 1L << 30;

  private final int imageSize;
  private final float[] mean;
  private final float[] std;

  /** {@code lut[c][v]}: the normalised value of 8-bit sample {@code v} in channel {@code c}. */
  private final float[][] lut;

  /**
   * @param imageSize S: the short side after resizing and the side of the square crop, positive
   * @param mean per-channel mean (RGB), length 3
   * @param std per-channel standard deviation (RGB), length 3, non-zero
   */
  public ImagePreprocessor(int imageSize, float[] mean, float[] std) {
    if (imageSize <= 0) {
      throw new IllegalArgumentException("imageSize must be positive, got " + imageSize);
    }
    if (mean == null || mean.length != 3 || std == null || std.length != 3) {
      throw new IllegalArgumentException("mean and std must have 3 entries (RGB)");
    }
    for (float s : std) {
      if (s == 0f || !Float.isFinite(s)) {
        throw new IllegalArgumentException("std entries must be finite and non-zero");
      }
    }
    this.imageSize = imageSize;
    this.mean = mean.clone();
    this.std = std.clone();
    this.lut = new float[3][256];
    double scale = 1.0 / 255; // HF rescale_factor, a Python float
    for (int c = 0; c < 3; c++) {
      for (int v = 0; v < 256; v++) {
        float rescaled = (float) (v * scale);
        lut[c][v] = (rescaled - this.mean[c]) / this.std[c];
      }
    }
  }

  /** Preprocessor with CLIP's mean and std and the given crop size. */
  public static ImagePreprocessor clipDefaults(int imageSize) {
    return new ImagePreprocessor(imageSize, CLIP_MEAN, CLIP_STD);
  }

  /** S: the side of the square output. */
  public int imageSize() {
    return imageSize;
  }

  /** Per-channel mean (copy). */
  public float[] mean() {
    return mean.clone();
  }

  /** Per-channel standard deviation (copy). */
  public float[] std() {
    return std.clone();
  }

  /**
   * Decodes and preprocesses an encoded image.
   *
   * @param encoded file contents (PNG, JPEG, GIF or BMP)
   * @param name file name or label, used in error messages only
   * @return CHW tensor of length {@code 3 * S * S}
   */
  public float[] preprocess(byte[] encoded, String name) throws ImageDecodeException {
    return preprocess(ImageDecoder.decode(encoded, name));
  }

  /**
   * Reads, decodes and preprocesses an image file.
   *
   * @return CHW tensor of length {@code 3 * S * S}
   * @throws ImageDecodeException also with {@link Reason#IO_ERROR} when the file cannot be read and
   *     {@link Reason#TOO_LARGE} when it exceeds {@link #MAX_FILE_BYTES}
   */
  public float[] preprocess(Path file) throws ImageDecodeException {
    return preprocess(readFile(file), file.toString());
  }

  /**
   * Preprocesses an already-decoded RGB image.
   *
   * @return CHW tensor of length {@code 3 * S * S}
   */
  public float[] preprocess(RgbImage image) {
    Objects.requireNonNull(image, "image");
    int s = imageSize;
    int w = image.width();
    int h = image.height();
    // HF get_resize_output_image_size(shortest_edge = S, default_to_square = False).
    int newW;
    int newH;
    if (w <= h) {
      newW = s;
      newH = (int) ((double) s * h / w);
    } else {
      newH = s;
      newW = (int) ((double) s * w / h);
    }
    // Crop window in resized coordinates; src = dst + offset, where a negative offset is the
    // leading zero padding of an axis shorter than S.
    int offX = cropOffset(newW, s);
    int offY = cropOffset(newH, s);
    int x0 = Math.max(0, offX);
    int y0 = Math.max(0, offY);
    int x1 = Math.min(newW, offX + s);
    int y1 = Math.min(newH, offY + s);
    RgbImage region =
        (newW == w && newH == h && x0 == 0 && y0 == 0 && x1 == w && y1 == h)
            ? image
            : PillowResize.resizeBicubicRegion(image, newW, newH, x0, y0, x1 - x0, y1 - y0);
    return normalise(region, x0 - offX, y0 - offY);
  }

  /**
   * Source offset of the centre crop on one axis: {@code (n - s) // 2} when {@code n >= s},
   * otherwise minus HF's leading padding {@code ceil((s - n) / 2)}.
   */
  static int cropOffset(int n, int s) {
    if (n >= s) {
      return (n - s) / 2;
    }
    return -((s - n + 1) / 2);
  }

  /** Writes the region at {@code (dx, dy)} of an S x S zero-padded canvas, normalised, CHW. */
  private float[] normalise(RgbImage region, int dx, int dy) {
    int s = imageSize;
    int plane = s * s;
    float[] out = new float[3 * plane];
    int rw = region.width();
    int rh = region.height();
    boolean padded = dx != 0 || dy != 0 || rw != s || rh != s;
    if (padded) {
      for (int c = 0; c < 3; c++) {
        Arrays.fill(out, c * plane, (c + 1) * plane, lut[c][0]);
      }
    }
    byte[] rgb = region.rgb();
    float[] l0 = lut[0];
    float[] l1 = lut[1];
    float[] l2 = lut[2];
    for (int y = 0; y < rh; y++) {
      int p = y * rw * 3;
      int o = (y + dy) * s + dx;
      for (int x = 0; x < rw; x++, p += 3, o++) {
        out[o] = l0[rgb[p] & 0xFF];
        out[plane + o] = l1[rgb[p + 1] & 0xFF];
        out[2 * plane + o] = l2[rgb[p + 2] & 0xFF];
      }
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Batch API

  /**
   * Preprocesses files one after another on the calling thread. One bad file never fails the batch:
   * each result carries either its tensor or its error.
   *
   * @return one result per input, in input order
   */
  public List<PreprocessResult> preprocessAll(List<Path> files) {
    return preprocessAll(files, Runnable::run);
  }

  /**
   * Preprocesses files in parallel on a temporary pool of {@code parallelism} threads.
   *
   * @param parallelism number of worker threads, positive
   * @return one result per input, in input order
   */
  public List<PreprocessResult> preprocessAll(List<Path> files, int parallelism) {
    if (parallelism <= 0) {
      throw new IllegalArgumentException("parallelism must be positive, got " + parallelism);
    }
    if (parallelism == 1) {
      return preprocessAll(files);
    }
    ExecutorService pool = Executors.newFixedThreadPool(parallelism, daemonThreads());
    try {
      return preprocessAll(files, pool);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Preprocesses files on a caller-provided executor and waits for all of them.
   *
   * @return one result per input, in input order
   */
  public List<PreprocessResult> preprocessAll(List<Path> files, Executor executor) {
    Objects.requireNonNull(executor, "executor");
    List<CompletableFuture<PreprocessResult>> futures = new ArrayList<>(files.size());
    for (Path file : files) {
      futures.add(CompletableFuture.supplyAsync(() -> preprocessOne(file), executor));
    }
    List<PreprocessResult> results = new ArrayList<>(files.size());
    for (int i = 0; i < futures.size(); i++) {
      try {
        results.add(futures.get(i).join());
      } catch (RuntimeException e) {
        // The executor rejected the task or it was cancelled; preprocessOne itself never throws.
        String name = String.valueOf(files.get(i));
        results.add(
            PreprocessResult.failure(
                name, new ImageDecodeException(Reason.IO_ERROR, name, "not processed: " + e, e)));
      }
    }
    return results;
  }

  /** Preprocesses one file, turning every failure into a per-item error. */
  PreprocessResult preprocessOne(Path file) {
    String name = String.valueOf(file);
    try {
      return PreprocessResult.success(name, preprocess(file));
    } catch (ImageDecodeException e) {
      return PreprocessResult.failure(name, e);
    } catch (RuntimeException e) {
      return PreprocessResult.failure(
          name, new ImageDecodeException(Reason.CORRUPT, name, "unexpected failure: " + e, e));
    } catch (OutOfMemoryError e) {
      return PreprocessResult.failure(
          name, new ImageDecodeException(Reason.TOO_LARGE, name, "not enough memory", null));
    }
  }

  private static byte[] readFile(Path file) throws ImageDecodeException {
    String name = String.valueOf(file);
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new ImageDecodeException(
            Reason.TOO_LARGE, name, "file has " + size + " bytes, limit " + MAX_FILE_BYTES);
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ImageDecodeException(Reason.IO_ERROR, name, "no such file", e);
    } catch (IOException e) {
      throw new ImageDecodeException(Reason.IO_ERROR, name, "cannot read: " + e, e);
    }
  }

  private static ThreadFactory daemonThreads() {
    return r -> {
      Thread t = new Thread(r, "image-preprocess");
      t.setDaemon(true);
      return t;
    };
  }
}
