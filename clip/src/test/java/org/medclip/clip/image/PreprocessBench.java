package org.medclip.clip.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;

/**
 * Throughput benchmark of CLIP preprocessing (S = 224) for a 512 x 512 RGB PNG; not a unit test.
 *
 * <p>Run from the project root after {@code mvn -B -o -pl clip test-compile}:
 *
 * <pre>
 * java -cp clip/target/classes:clip/target/test-classes org.medclip.clip.image.PreprocessBench [rounds] [imagesPerRound]
 * </pre>
 *
 * Reports the median images/s over the rounds (after one warm-up round) for: decode only, decode +
 * preprocess and preprocess of an already-decoded image, each on 1 thread and on 2 threads, and the
 * batch API ({@code preprocessAll} over files) sequential and with 2 threads.
 */
public final class PreprocessBench {

  private PreprocessBench() {}

  interface Work {
    void run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    byte[] png = samplePng(512, 512);
    RgbImage decoded = ImageDecoder.decode(png, "bench.png");
    ImagePreprocessor pre = ImagePreprocessor.clipDefaults(224);
    System.out.printf(
        "512x512 RGB PNG (%d bytes), S=224, %d rounds x %d images, %d CPUs, %s%n",
        png.length,
        rounds,
        perRound,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));

    Work decodeAndPreprocess = () -> pre.preprocess(png, "bench.png");
    Work preprocessOnly = () -> pre.preprocess(decoded);
    Work decodeOnly = () -> ImageDecoder.decode(png, "bench.png");
    report("decode only", decodeOnly, 1, rounds, perRound);
    report("decode + preprocess", decodeAndPreprocess, 1, rounds, perRound);
    report("decode + preprocess", decodeAndPreprocess, 2, rounds, perRound);
    report("preprocess only (decode excluded)", preprocessOnly, 1, rounds, perRound);
    report("preprocess only (decode excluded)", preprocessOnly, 2, rounds, perRound);

    // The batch API end to end (file read + decode + preprocess), sequential vs 2 threads.
    Path dir = Files.createTempDirectory("preprocess-bench");
    try {
      List<Path> files = new ArrayList<>();
      for (int i = 0; i < perRound; i++) {
        files.add(Files.write(dir.resolve("img" + i + ".png"), png));
      }
      Work batch1 = () -> check(pre.preprocessAll(files));
      Work batch2 = () -> check(pre.preprocessAll(files, 2));
      reportBatch("preprocessAll(files)", batch1, rounds, perRound);
      reportBatch("preprocessAll(files, 2)", batch2, rounds, perRound);
    } finally {
      try (var paths = Files.list(dir)) {
        for (Path p : (Iterable<Path>) paths::iterator) {
          Files.delete(p);
        }
      }
      Files.delete(dir);
    }
  }

  private static void check(List<PreprocessResult> results) {
    for (PreprocessResult r : results) {
      if (!r.ok()) {
        throw new IllegalStateException(r.error());
      }
    }
  }

  private static void reportBatch(String label, Work work, int rounds, int perRound)
      throws Exception {
    work.run(); // warm-up
    double[] rates = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      long t0 = System.nanoTime();
      work.run();
      rates[r] = perRound / ((System.nanoTime() - t0) / 1e9);
    }
    Arrays.sort(rates);
    System.out.printf(
        "%-46s: median %7.1f images/s (min %.1f, max %.1f)%n",
        label, rates[rounds / 2], rates[0], rates[rounds - 1]);
  }

  private static void report(String label, Work work, int threads, int rounds, int perRound)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      runRound(work, pool, threads, perRound); // warm-up
      double[] rates = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        long t0 = System.nanoTime();
        runRound(work, pool, threads, perRound);
        rates[r] = perRound / ((System.nanoTime() - t0) / 1e9);
      }
      Arrays.sort(rates);
      System.out.printf(
          "%-34s %d thread(s): median %7.1f images/s (min %.1f, max %.1f)%n",
          label, threads, rates[rounds / 2], rates[0], rates[rounds - 1]);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Runs {@code count} items split over {@code threads} workers and waits for all of them. */
  private static void runRound(Work work, ExecutorService pool, int threads, int count)
      throws Exception {
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int share = count / threads + (t < count % threads ? 1 : 0);
      futures.add(
          pool.submit(
              () -> {
                for (int i = 0; i < share; i++) {
                  work.run();
                }
                return null;
              }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
  }

  /** A photo-like test image: smooth gradients plus mild noise (compresses like a real photo). */
  static byte[] samplePng(int w, int h) throws IOException {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    Random random = new Random(42);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int r = clamp((x * 255) / w + random.nextInt(16) - 8);
        int g = clamp((y * 255) / h + random.nextInt(16) - 8);
        int b = clamp(((x + y) * 255) / (w + h) + random.nextInt(16) - 8);
        image.setRGB(x, y, r << 16 | g << 8 | b);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
