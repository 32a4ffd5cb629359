package org.medclip.clip.corpus;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes a generated corpus in the ImageCLEF 2017 layout ({@link ImageClefLayout}), streaming:
 * workers render and write image files while the calling thread appends caption lines in index
 * order, with at most {@code threads * 32} samples in flight. Sample {@code i} must depend only on
 * {@code i}, so the output is byte-identical for any thread count.
 *
 * <p>Global indices: {@code [0, train)} go to {@code training/}, {@code [train, train + test)} to
 * {@code validation/} (our TEST split) and the next {@code unlabelled} to {@code test/} (ids only).
 */
public final class ImageClefWriter {

  private ImageClefWriter() {}

  /**
   * One generated image.
   *
   * @param id file-name-safe id
   * @param image encoded image bytes
   * @param extension file extension with the dot, e.g. {@code .png}
   * @param caption one line without tabs
   */
  public record Sample(String id, byte[] image, String extension, String caption) {}

  /** Produces sample {@code index}; must be thread-safe and a pure function of the index. */
  @FunctionalInterface
  public interface Source {
    /** Sample {@code index}. */
    Sample sample(long index);
  }

  /** Counts of one run. */
  public record Counts(int train, int test, int unlabelled) {
    /** Checks that no count is negative. */
    public Counts {
      if (train < 0 || test < 0 || unlabelled < 0) {
        throw new IllegalArgumentException("counts must not be negative");
      }
    }

    /** All images. */
    public int total() {
      return train + test + unlabelled;
    }
  }

  /**
   * Prepares {@code out}: refuses a folder that already holds a corpus unless {@code overwrite}, in
   * which case the three split folders (and a split manifest at the root) are deleted first.
   */
  public static void prepare(Path out, boolean overwrite) throws DatasetException {
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new DatasetException("Output path " + out + " is a file, not a folder.");
    }
    String[] ours = {
      ImageClefLayout.TRAINING_DIR, ImageClefLayout.VALIDATION_DIR, ImageClefLayout.TEST_DIR
    };
    boolean existing = false;
    for (String d : ours) {
      existing |= Files.exists(out.resolve(d));
    }
    if (existing && !overwrite) {
      throw new DatasetException(
          "Output folder "
              + out
              + " already holds a corpus (training/, validation/ or test/); choose another folder"
              + " or pass --overwrite.");
    }
    try {
      if (existing) {
        for (String d : ours) {
          deleteTree(out.resolve(d));
        }
        Files.deleteIfExists(out.resolve(SplitManifest.DEFAULT_FILE_NAME));
      }
      Files.createDirectories(out.resolve(ImageClefLayout.TRAINING_IMAGES));
      Files.createDirectories(out.resolve(ImageClefLayout.VALIDATION_IMAGES));
      Files.createDirectories(out.resolve(ImageClefLayout.TEST_IMAGES));
    } catch (IOException e) {
      throw new DatasetException("Output folder " + out + " cannot be prepared: " + e + ".", e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** Writes all three parts; {@link #prepare} must have been called. */
  public static void write(Path out, Source source, Counts counts, int threads) throws IOException {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1");
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads, daemonFactory());
    try {
      part(
          out,
          source,
          0,
          counts.train(),
          ImageClefLayout.TRAINING_CAPTIONS,
          ImageClefLayout.TRAINING_IMAGES,
          true,
          pool,
          threads);
      part(
          out,
          source,
          counts.train(),
          counts.test(),
          ImageClefLayout.VALIDATION_CAPTIONS,
          ImageClefLayout.VALIDATION_IMAGES,
          true,
          pool,
          threads);
      part(
          out,
          source,
          (long) counts.train() + counts.test(),
          counts.unlabelled(),
          ImageClefLayout.TEST_LIST,
          ImageClefLayout.TEST_IMAGES,
          false,
          pool,
          threads);
    } finally {
      pool.shutdownNow();
    }
  }

  private static java.util.concurrent.ThreadFactory daemonFactory() {
    return r -> {
      Thread t = new Thread(r, "datagen-worker");
      t.setDaemon(true);
      return t;
    };
  }

  private static void part(
      Path out,
      Source source,
      long first,
      int count,
      String listFile,
      String imagesDir,
      boolean captioned,
      ExecutorService pool,
      int threads)
      throws IOException {
    Path images = out.resolve(imagesDir);
    int window = threads * 32;
    ArrayDeque<Future<Sample>> inFlight = new ArrayDeque<>();
    try (BufferedWriter w =
        Files.newBufferedWriter(out.resolve(listFile), StandardCharsets.UTF_8)) {
      long next = first;
      long end = first + count;
      while (next < end || !inFlight.isEmpty()) {
        while (next < end && inFlight.size() < window) {
          long index = next++;
          inFlight.add(
              pool.submit(
                  () -> {
                    Sample s = source.sample(index);
                    if (!ImageClefLayout.isValidId(s.id())) {
                      throw new IllegalStateException("invalid generated id " + s.id());
                    }
                    Files.write(images.resolve(s.id() + s.extension()), s.image());
                    // the bytes are on disk; drop them so the window holds only captions
                    return new Sample(s.id(), null, s.extension(), s.caption());
                  }));
        }
        Sample s = take(inFlight.poll());
        w.write(s.id());
        if (captioned) {
          if (s.caption().indexOf('\t') >= 0 || s.caption().indexOf('\n') >= 0) {
            throw new IllegalStateException("caption with a tab or line break: " + s.id());
          }
          w.write('\t');
          w.write(s.caption());
        }
        w.write('\n');
      }
    } finally {
      inFlight.forEach(f -> f.cancel(true));
    }
  }

  private static Sample take(Future<Sample> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(c);
    }
  }
}
