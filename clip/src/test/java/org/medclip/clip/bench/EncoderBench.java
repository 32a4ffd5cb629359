package org.medclip.clip.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.medclip.clip.ClipEncoder;
import org.medclip.clip.EncoderOptions;

/**
 * Text-query encode latency (tokenise + text graph, one query per call, as the search API does) for
 * a model bundle. Prints p50/p90/p99/max in milliseconds after a warm-up.
 *
 * <p>Run (after {@code mvn -o -pl clip test-compile}; DJL must stay offline):
 *
 * <pre>
 * export DJL_OFFLINE=true OPT_OUT_TRACKING=true
 * mvn -B -q -o -pl clip exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=org.medclip.clip.bench.EncoderBench \
 *   -Dexec.args="BUNDLE_DIR [iterations=2000] [intraOpThreads=1] [cuda=false]"
 * </pre>
 *
 * A test bundle for trying it: {@code -Dexec.mainClass=org.medclip.clip.testing.TestBundles
 * -Dexec.args=/tmp/test-bundle}.
 */
public final class EncoderBench {

  private static final List<String> QUERIES =
      List.of(
          "left lower lobe consolidation on chest radiograph",
          "axial CT of the abdomen with contrast",
          "micrograph of lung tissue, H&E stain",
          "T2 weighted MR of the brain showing a lesion",
          "pleural effusion",
          "bar chart of survival rates by treatment group",
          "ultrasound of the liver",
          "fracture of the distal radius on X-ray");

  private EncoderBench() {}

  /**
   * @param args bundle directory, then optional iterations, intra-op threads, {@code cuda}
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: EncoderBench BUNDLE_DIR [iterations] [intraOpThreads] [cuda]");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    boolean cuda = args.length > 3 && Boolean.parseBoolean(args[3]);
    EncoderOptions options = new EncoderOptions(32, threads, cuda, 0);
    long openStart = System.nanoTime();
    try (ClipEncoder encoder = ClipEncoder.open(dir, options)) {
      double openMs = (System.nanoTime() - openStart) / 1e6;
      int warmup = Math.max(50, iterations / 10);
      for (int i = 0; i < warmup; i++) {
        encoder.embedText(QUERIES.get(i % QUERIES.size()));
      }
      long[] nanos = new long[iterations];
      for (int i = 0; i < iterations; i++) {
        String q = QUERIES.get(i % QUERIES.size()) + " " + i;
        long t0 = System.nanoTime();
        encoder.embedText(q);
        nanos[i] = System.nanoTime() - t0;
      }
      Arrays.sort(nanos);
      System.out.printf(
          "bundle %s (%s %s, D=%d, context %d) provider %s, intra-op threads %d%n",
          dir.toAbsolutePath(),
          encoder.spec().name(),
          encoder.spec().version(),
          encoder.dimension(),
          encoder.spec().contextLength(),
          encoder.executionProvider(),
          threads);
      System.out.printf(
          "open %.1f ms; text query encode over %d calls: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms,"
              + " max %.3f ms%n",
          openMs,
          iterations,
          pct(nanos, 0.50),
          pct(nanos, 0.90),
          pct(nanos, 0.99),
          nanos[nanos.length - 1] / 1e6);
    }
  }

  private static double pct(long[] sorted, double p) {
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }
}
