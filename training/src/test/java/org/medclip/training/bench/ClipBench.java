package org.medclip.training.bench;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.medclip.clip.ClipConfig;
import org.medclip.clip.ClipEncoder;
import org.medclip.clip.EmbeddingResult;
import org.medclip.clip.EncodedImage;
import org.medclip.clip.EncoderOptions;
import org.medclip.clip.text.TokenizerBuilder;
import org.medclip.training.bundle.BundleExporter;
import org.medclip.training.model.ClipModel;
import org.medclip.training.onnx.TextPooling;
import org.medclip.training.train.AdamW;
import org.medclip.training.train.ClipTrainer;
import org.medclip.training.train.LearningRateSchedule;
import org.medclip.training.weights.StateDict;

/**
 * Benchmarks of the model half (issue 3), printed as Markdown rows for BENCHMARKS.md:
 *
 * <ul>
 *   <li>ONNX Runtime image embedding throughput (images/s, JPEG decode + Pillow-exact preprocess +
 *       encoder) at batch 1, 16 and 64;
 *   <li>text-query encode latency p50/p99 (tokenize + encoder, one query at a time);
 *   <li>DJL training step time (forward, backward, clipping, AdamW).
 * </ul>
 *
 * <p>Random weights (speed does not depend on their values). Run with {@code make bench-model}.
 * Arguments: {@code configs=tiny,demo,vitb32 images=64 queries=300 steps=3}.
 */
public final class ClipBench {
  private static final List<String> CAPTIONS =
      List.of(
          "Axial CT of the chest shows a 12 mm nodule in the right upper lobe.",
          "Frontal chest radiograph: left pleural effusion.",
          "MRI T2 of the brain, normal study.",
          "Ultrasound of the abdomen with a small calcification (arrow).",
          "Lateral radiograph of the knee shows a fracture of the tibia.",
          "Sagittal MR image of the lumbar spine.",
          "Bar chart of survival rates by treatment group.");

  private ClipBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new java.util.HashMap<>();
    for (String a : args) {
      String[] kv = a.split("=", 2);
      opts.put(kv[0], kv.length > 1 ? kv[1] : "true");
    }
    List<String> configs = List.of(opts.getOrDefault("configs", "tiny,demo,vitb32").split(","));
    int images = Integer.parseInt(opts.getOrDefault("images", "64"));
    int queries = Integer.parseInt(opts.getOrDefault("queries", "300"));
    int steps = Integer.parseInt(opts.getOrDefault("steps", "3"));
    Path work = Files.createTempDirectory("medclip-bench");
    Path tokenizerJson = work.resolve("tokenizer.json");
    TokenizerBuilder.Vocabulary vocab = new TokenizerBuilder().write(CAPTIONS, tokenizerJson);
    List<EncodedImage> jpegs = syntheticJpegs(images, 512, 384);

    System.out.printf(
        Locale.ROOT,
        "# ClipBench on %d cores, %s%n%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    System.out.println(
        "| config | params | images/s b1 | images/s b16 | images/s b64 | text p50 ms | text p99 ms"
            + " | train step ms (batch) |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (String name : configs) {
      ClipConfig config = withVocabulary(configByName(name), vocab);
      Path bundleDir = work.resolve("bundle-" + name);
      long params;
      double stepMs;
      int trainBatch = name.equals("vitb32") ? 8 : 64;
      try (ClipModel model = ClipModel.create(config)) {
        model.initialize(1);
        StateDict weights = model.toStateDict();
        params = weights.asMap().values().stream().mapToLong(t -> t.data().length).sum();
        BundleExporter.export(
            new BundleExporter.Request(
                config,
                weights,
                TextPooling.FIRST_EOS,
                tokenizerJson,
                "bench-" + name,
                "1",
                null,
                null),
            bundleDir,
            true);
        stepMs = trainStepMillis(model, trainBatch, steps);
      }
      double[] throughput = new double[3];
      int[] batches = {1, 16, 64};
      for (int b = 0; b < batches.length; b++) {
        try (ClipEncoder encoder =
            ClipEncoder.open(bundleDir, EncoderOptions.defaults().withBatchSize(batches[b]))) {
          throughput[b] = imagesPerSecond(encoder, jpegs, batches[b]);
        }
      }
      double[] latency;
      try (ClipEncoder encoder = ClipEncoder.open(bundleDir, EncoderOptions.defaults())) {
        latency = textLatencyMillis(encoder, queries);
      }
      System.out.printf(
          Locale.ROOT,
          "| %s | %.2f M | %.1f | %.1f | %.1f | %.2f | %.2f | %.0f (%d) |%n",
          name,
          params / 1e6,
          throughput[0],
          throughput[1],
          throughput[2],
          latency[0],
          latency[1],
          stepMs,
          trainBatch);
    }
  }

  static ClipConfig configByName(String name) {
    return switch (name) {
      case "tiny" -> ClipConfig.tiny();
      case "demo" -> ClipConfig.demo(4096);
      case "vitb32" -> ClipConfig.vitBasePatch32();
      default -> throw new IllegalArgumentException("unknown config " + name);
    };
  }

  /** The same architecture with the benchmark tokenizer's vocabulary and special ids. */
  static ClipConfig withVocabulary(ClipConfig c, TokenizerBuilder.Vocabulary vocab) {
    ClipConfig.TextConfig t = c.text();
    return new ClipConfig(
        new ClipConfig.TextConfig(
            Math.max(t.vocabSize(), vocab.size()),
            t.hiddenSize(),
            t.intermediateSize(),
            t.numLayers(),
            t.numHeads(),
            t.maxPositions(),
            t.hiddenAct(),
            t.layerNormEps(),
            vocab.bosId(),
            vocab.eosId(),
            vocab.padId()),
        c.vision(),
        c.projectionDim(),
        c.logitScaleInit());
  }

  /** Median images/s over 3 rounds of embedding every image, batch by batch. */
  static double imagesPerSecond(ClipEncoder encoder, List<EncodedImage> jpegs, int batch) {
    encoder.embedImageBytes(jpegs.subList(0, Math.min(batch, jpegs.size()))); // warm-up
    double[] rounds = new double[3];
    for (int r = 0; r < rounds.length; r++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < jpegs.size(); i += batch) {
        List<EmbeddingResult> out =
            encoder.embedImageBytes(jpegs.subList(i, Math.min(jpegs.size(), i + batch)));
        if (!out.get(0).isOk()) {
          throw new IllegalStateException(String.valueOf(out.get(0)));
        }
      }
      rounds[r] = jpegs.size() / ((System.nanoTime() - t0) / 1e9);
    }
    Arrays.sort(rounds);
    return rounds[1];
  }

  /** p50 and p99 in ms of single-query text encoding (tokenize + ONNX), after warm-up. */
  static double[] textLatencyMillis(ClipEncoder encoder, int queries) {
    Random random = new Random(3);
    for (int i = 0; i < 20; i++) {
      encoder.embedText(CAPTIONS.get(i % CAPTIONS.size()));
    }
    double[] ms = new double[queries];
    for (int i = 0; i < queries; i++) {
      String q = CAPTIONS.get(random.nextInt(CAPTIONS.size())) + " " + i;
      long t0 = System.nanoTime();
      encoder.embedText(q);
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    return new double[] {ms[queries / 2], ms[(int) Math.floor(queries * 0.99)]};
  }

  /** Median wall time of one optimizer step (after one warm-up step). */
  static double trainStepMillis(ClipModel model, int batch, int steps) {
    ClipConfig c = model.config();
    int s = c.vision().imageSize();
    Random random = new Random(5);
    float[] pixels = new float[batch * 3 * s * s];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) random.nextGaussian();
    }
    long[][] ids = new long[batch][16];
    for (long[] row : ids) {
      row[0] = c.text().bosTokenId();
      for (int j = 1; j < 15; j++) {
        row[j] = 1 + random.nextInt(c.text().bosTokenId() - 1);
      }
      row[15] = c.text().eosTokenId();
    }
    try (ClipTrainer trainer =
        new ClipTrainer(
            model,
            new ClipTrainer.Options(
                LearningRateSchedule.constant(1e-5), AdamW.Settings.torchDefaults(), 1.0))) {
      trainer.step(pixels, ids);
      double[] ms = new double[steps];
      for (int i = 0; i < steps; i++) {
        long t0 = System.nanoTime();
        trainer.step(pixels, ids);
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
      Arrays.sort(ms);
      return ms[steps / 2];
    }
  }

  /** Deterministic figure-like JPEGs: a grey "scan" with shapes and noise. */
  static List<EncodedImage> syntheticJpegs(int n, int width, int height) throws IOException {
    List<EncodedImage> out = new ArrayList<>(n);
    Random random = new Random(11);
    for (int i = 0; i < n; i++) {
      BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = img.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.BLACK);
      g.fillRect(0, 0, width, height);
      for (int k = 0; k < 12; k++) {
        int grey = 60 + random.nextInt(190);
        g.setColor(new Color(grey, grey, grey));
        g.fillOval(
            random.nextInt(width),
            random.nextInt(height),
            20 + random.nextInt(150),
            20 + random.nextInt(150));
      }
      g.dispose();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      ImageIO.write(img, "jpg", bytes);
      out.add(new EncodedImage("bench-" + i + ".jpg", bytes.toByteArray()));
    }
    return out;
  }
}
