package org.medclip.training.pipeline;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import org.medclip.clip.ClipConfig;
import org.medclip.clip.bundle.ModelBundle;
import org.medclip.clip.bundle.ModelSpec;
import org.medclip.clip.corpus.ImageRecord;
import org.medclip.clip.corpus.Split;
import org.medclip.clip.image.ImagePreprocessor;
import org.medclip.clip.text.ClipTokenizer;
import org.medclip.training.bundle.BundleExporter;
import org.medclip.training.hf.Safetensors;
import org.medclip.training.model.ClipModel;
import org.medclip.training.onnx.TextPooling;
import org.medclip.training.train.Checkpoint;
import org.medclip.training.train.ClipTrainer;

/**
 * The fine-tuning run: start model, optional baseline evaluation, epochs of contrastive training
 * with per-epoch validation and checkpoints, then the model bundle with its evaluation.
 *
 * <p>Per epoch {@code e}: {@code samples_per_epoch} train indices are drawn uniformly with
 * replacement by a {@link ReplacementSampler} (state carried from epoch to epoch), cut into
 * consecutive batches of {@code batch_size} (the last may be smaller), loaded ahead by a {@link
 * Prefetcher} and fed to {@link ClipTrainer#step}. Then the validation split (manifest order,
 * capped by {@code max_validation_samples}) is embedded in batches of {@code
 * validation_batch_size}: validation loss and in-batch top-1 accuracy. Then {@code
 * checkpoints/epoch-e.ckpt} (weights + AdamW state) and {@code checkpoints/epoch-e.json} (epoch,
 * step, sampler state, history) are written, the JSON last.
 *
 * <p>Resume ({@link Request#resume}): the run folder's {@code run.json} fixes config and start
 * model; the last complete checkpoint restores weights, AdamW moments and step count, and the
 * sampler state; training continues with the next epoch. Since the model has no dropout and every
 * input is a function of the indices, a resumed run computes the same losses as an uninterrupted
 * one (same thread settings assumed). A kill inside epoch e loses only that epoch's progress.
 *
 * <p>All {@link UserInputException}s are thrown before the first training step.
 */
public final class FineTuner {

  /** Callbacks (tests use them to simulate a kill). */
  public interface Listener {
    /** After epoch {@code m.epoch()} is checkpointed. */
    default void onEpoch(EpochMetrics m) {}

    /** After every step, with the run-wide step count. */
    default void onStep(long step, float loss) {}
  }

  /**
   * What to run.
   *
   * @param config hyper-parameters (ignored on resume: {@code run.json} wins)
   * @param dataDir the ImageCLEF-layout folder; on resume null = the folder saved in {@code
   *     run.json}
   * @param manifest split manifest; null = {@code dataDir/split-manifest.tsv}
   * @param from start model (bundle, HF directory, checkpoint); null with {@code scratch}
   * @param scratch start from a new model of {@code config.model()}
   * @param outDir the run folder
   * @param bundleDir final bundle; null = {@code outDir/bundle}
   * @param resume continue the run in {@code outDir}
   * @param progressOut progress and messages; null = silent
   * @param tty whether {@code progressOut} is a terminal
   * @param listener callbacks; may be null
   */
  public record Request(
      TrainingConfig config,
      Path dataDir,
      Path manifest,
      Path from,
      boolean scratch,
      Path outDir,
      Path bundleDir,
      boolean resume,
      PrintStream progressOut,
      boolean tty,
      Listener listener) {
    public Request {
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(outDir, "outDir");
      listener = listener == null ? new Listener() {} : listener;
    }
  }

  /**
   * What a run produced.
   *
   * @param bundle the bundle directory
   * @param evaluation the bundle's test evaluation (null when {@code evaluate_test} is false)
   * @param baseline the start model's test evaluation (null when not made)
   * @param history per-epoch metrics of the whole run
   */
  public record Outcome(
      Path bundle,
      EvaluationReport evaluation,
      EvaluationReport baseline,
      List<EpochMetrics> history) {}

  private static final String TOOL_VERSION = "medclip-training 0.1.0";

  private FineTuner() {}

  /** The validated inputs of a run, prepared before any training. */
  private record Plan(
      TrainingConfig config,
      Corpus corpus,
      List<ImageRecord> train,
      List<ImageRecord> validation,
      List<ImageRecord> test,
      StartModel start,
      String version,
      Path out,
      Path bundleDir) {}

  /**
   * Runs (or resumes) a fine-tuning run.
   *
   * @throws UserInputException before training, for anything the user must fix
   * @throws IOException when writing the run folder or the bundle fails
   */
  public static Outcome run(Request request) throws UserInputException, IOException {
    Plan plan = plan(request);
    return train(plan, request);
  }

  private static Plan plan(Request r) throws UserInputException, IOException {
    Path out = r.outDir().toAbsolutePath().normalize();
    Path runJson = out.resolve(RunFiles.RUN_FILE);
    TrainingConfig config = r.config();
    Path dataDir = r.dataDir();
    Path from = r.from();
    boolean scratch = r.scratch();
    String version;
    if (r.resume()) {
      if (!Files.isRegularFile(runJson)) {
        throw new UserInputException(
            "There is no run to resume in " + out + " (no " + RunFiles.RUN_FILE + ").");
      }
      JsonNode saved = StartModel.readJson(runJson);
      config = TrainingConfig.fromJson(saved.path("config"), "run file " + runJson);
      if (!r.config().equals(TrainingConfig.defaults())
          && !r.config().equals(config)
          && r.progressOut() != null) {
        r.progressOut()
            .println(
                "Resuming with the config saved in " + runJson + "; other settings are ignored.");
      }
      if (dataDir == null && saved.hasNonNull("data")) {
        dataDir = Path.of(saved.get("data").asText());
      }
      scratch = saved.path("scratch").asBoolean();
      from = scratch || saved.path("from").isNull() ? null : Path.of(saved.path("from").asText());
      version = saved.path("version").asText();
    } else {
      if (Files.isRegularFile(runJson)) {
        throw new UserInputException(
            "The folder "
                + out
                + " already holds a run; use --resume to continue it or choose another --out.");
      }
      if (scratch == (from != null)) {
        throw new UserInputException(
            "Give exactly one start: --from (bundle, HF directory or checkpoint) or"
                + " --from-scratch.");
      }
      version =
          config.version().isBlank()
              ? ZonedDateTime.now(ZoneOffset.UTC)
                  .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
              : config.version();
    }
    Corpus corpus = Corpus.open(dataDir, r.manifest(), config.splitSeed());
    List<ImageRecord> train = corpus.require(Split.TRAIN);
    List<ImageRecord> validation = corpus.split(Split.VALIDATION);
    if (config.maxValidationSamples() > 0 && validation.size() > config.maxValidationSamples()) {
      validation = validation.subList(0, config.maxValidationSamples());
    }
    List<ImageRecord> test = corpus.split(Split.TEST);
    if ((config.evaluateTest() || config.evaluateBaseline()) && test.isEmpty()) {
      throw new UserInputException(
          "The dataset "
              + corpus.root()
              + " has no usable images in its test split (set evaluate_test and evaluate_baseline"
              + " to false to train without one).");
    }
    Path tokenizerOut = out.resolve(RunFiles.TOKENIZER_FILE);
    StartModel start;
    boolean checkpointed = r.resume() && RunFiles.lastCompleteEpoch(out).isPresent();
    if (r.resume() && (scratch || checkpointed)) {
      // Everything comes from the run folder: architecture, tokenizer and normalisation from
      // run.json, weights from the last checkpoint (or the seeded initialisation of a scratch run
      // killed before its first checkpoint). The original --from need not exist any more.
      JsonNode saved = StartModel.readJson(runJson);
      start =
          new StartModel(
              RunFiles.readClipConfig(runJson),
              null,
              tokenizerOut,
              floats(saved.path("image_mean"), ModelSpec.CLIP_MEAN),
              floats(saved.path("image_std"), ModelSpec.CLIP_STD),
              saved.path("start").asText("run " + out));
    } else if (scratch) {
      start = StartModel.fromScratch(config.model(), corpus, config, tokenizerOut);
    } else {
      start = StartModel.resolve(from);
    }
    Path bundleDir =
        r.bundleDir() != null ? r.bundleDir().toAbsolutePath().normalize() : out.resolve("bundle");
    if (!r.resume()) {
      Files.createDirectories(out);
      if (!start.tokenizerJson().toAbsolutePath().normalize().equals(tokenizerOut)) {
        Files.copy(start.tokenizerJson(), tokenizerOut, StandardCopyOption.REPLACE_EXISTING);
      }
      ObjectNode run = EvaluationReport.JSON.createObjectNode();
      run.set("config", config.toJson());
      run.set("clip_config", EvaluationReport.JSON.valueToTree(start.config()));
      run.put("scratch", scratch);
      if (from == null) {
        run.putNull("from");
      } else {
        run.put("from", from.toAbsolutePath().normalize().toString());
      }
      run.put("start", start.description());
      ArrayNode mean = run.putArray("image_mean");
      ArrayNode std = run.putArray("image_std");
      for (int i = 0; i < 3; i++) {
        mean.add(start.imageMean()[i]);
        std.add(start.imageStd()[i]);
      }
      run.put("data", corpus.root().toAbsolutePath().normalize().toString());
      run.put("version", version);
      RunFiles.writeJsonAtomically(runJson, run);
    }
    return new Plan(
        config,
        corpus,
        train,
        validation,
        test,
        new StartModel(
            start.config(),
            start.weights(),
            tokenizerOut,
            start.imageMean(),
            start.imageStd(),
            start.description()),
        version,
        out,
        bundleDir);
  }

  private static Outcome train(Plan p, Request r) throws IOException, UserInputException {
    TrainingConfig c = p.config();
    Progress progress = new Progress(r.progressOut(), r.tty(), c.progressIntervalSeconds());
    if (c.torchThreads() > 0) {
      // The native library must be loaded before the JNI call (a fresh process has not yet).
      Engine.getEngine("PyTorch");
      JniUtils.setNumThreads(c.torchThreads());
    }
    ClipConfig cc = p.start().config();
    ImagePreprocessor pre =
        new ImagePreprocessor(cc.vision().imageSize(), p.start().imageMean(), p.start().imageStd());
    try (ClipTokenizer tokenizer = loadTokenizer(p.start().tokenizerJson(), cc);
        ClipModel model = ClipModel.create(cc, Device.cpu(), c.seed());
        ClipTrainer trainer =
            new ClipTrainer(
                model,
                new ClipTrainer.Options(c.learningRateSchedule(), c.adam(), c.maxGradNorm()))) {
      if (p.start().weights() != null) {
        model.loadStateDict(p.start().weights());
      }
      c.logitScale().ifPresent(v -> model.logitScale().getArray().set(new float[] {(float) v}));
      OptionalInt last = RunFiles.lastCompleteEpoch(p.out());
      ReplacementSampler sampler = new ReplacementSampler(c.seed());
      List<EpochMetrics> history = new ArrayList<>();
      int firstEpoch = 1;
      if (r.resume() && last.isPresent()) {
        RunFiles.State state = RunFiles.State.read(RunFiles.state(p.out(), last.getAsInt()));
        trainer.restore(Checkpoint.load(RunFiles.checkpoint(p.out(), state.epoch())), true);
        sampler = ReplacementSampler.restore(state.samplerState());
        history.addAll(state.history());
        firstEpoch = state.epoch() + 1;
        progress.line(
            "Resuming "
                + p.out()
                + " after epoch "
                + state.epoch()
                + " (step "
                + trainer.stepCount()
                + ").");
      }

      Path baselineFile = p.out().resolve("baseline.json");
      EvaluationReport baseline = null;
      if (Files.isRegularFile(baselineFile)) {
        baseline = EvaluationReport.readJson(baselineFile);
      } else if (c.evaluateBaseline() && firstEpoch == 1) {
        progress.line("Evaluating the start model on " + p.test().size() + " test pairs...");
        try (Embedder e =
            Embedder.djl(
                model,
                tokenizer,
                pre,
                c.evalBatchSize(),
                c.loaderThreads(),
                "start model: " + p.start().description())) {
          Evaluator.Result res =
              Evaluator.evaluate("baseline", p.corpus(), p.test(), e, c.evalBatchSize());
          baseline = res.report();
          baseline.writeJson(baselineFile);
          Plots.heatmap(
              res.firstBatch(),
              "baseline: cosine similarity, first test batch",
              p.out().resolve("baseline-heatmap.png"));
        }
        progress.line("Baseline in-batch MRR@1 " + fmt(baseline.inBatchMrr().get(1)) + ".");
      }

      BatchLoader trainLoader = new BatchLoader(p.corpus(), p.train(), pre, tokenizer);
      BatchLoader valLoader = new BatchLoader(p.corpus(), p.validation(), pre, tokenizer);
      int steps = c.stepsPerEpoch();
      for (int epoch = firstEpoch; epoch <= c.epochs(); epoch++) {
        int[] indices = sampler.draw(c.samplesPerEpoch(), p.train().size());
        long samplerState = sampler.state();
        List<int[]> batches = Prefetcher.chunk(indices, c.batchSize());
        long t0 = System.nanoTime();
        double lossSum = 0;
        long pairs = 0;
        int dropped = 0;
        long waitNanos = 0;
        long stepNanos = 0;
        float[] stepLosses = new float[batches.size()];
        ClipTrainer.PhaseTimes phases0 = trainer.phaseTimes();
        try (Prefetcher prefetch =
            new Prefetcher(trainLoader, batches, c.loaderThreads(), c.prefetchBatches())) {
          int s = 0;
          while (prefetch.hasNext()) {
            long w0 = System.nanoTime();
            Batch b = prefetch.next();
            long w1 = System.nanoTime();
            waitNanos += w1 - w0;
            dropped += b.dropped();
            float loss = Float.NaN;
            if (b.size() > 0) {
              loss = trainer.step(b.pixels(), b.ids());
              stepNanos += System.nanoTime() - w1;
              lossSum += (double) loss * b.size();
              pairs += b.size();
            }
            stepLosses[s++] = loss;
            long left = (long) (c.epochs() - epoch) * steps + (steps - s);
            progress.step(epoch, c.epochs(), s, steps, loss, b.size(), left);
            r.listener().onStep(trainer.stepCount(), loss);
          }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        ClipTrainer.PhaseTimes phases = trainer.phaseTimes().since(phases0);
        double[] val = validate(model, valLoader, c);
        EpochMetrics m =
            new EpochMetrics(
                epoch,
                trainer.stepCount(),
                pairs == 0 ? Double.NaN : lossSum / pairs,
                val[0],
                val[1],
                trainer.lastLearningRate(),
                pairs / Math.max(1e-9, seconds),
                seconds,
                waitNanos / 1e9,
                stepNanos / 1e9,
                phases.forwardNanos() / 1e9,
                phases.backwardNanos() / 1e9,
                phases.optimizerNanos() / 1e9,
                dropped,
                stepLosses);
        history.add(m);
        trainer.saveCheckpoint(RunFiles.checkpoint(p.out(), epoch));
        new RunFiles.State(epoch, trainer.stepCount(), samplerState, List.copyOf(history))
            .write(RunFiles.state(p.out(), epoch));
        writeHistory(p.out(), history);
        progress.line(
            String.format(
                java.util.Locale.ROOT,
                "epoch %d/%d: train loss %.4f, validation loss %.4f, validation accuracy %.3f,"
                    + " %.1f samples/s, %s (%.1f s waiting for data, %.1f s in steps: forward"
                    + " %.1f, backward %.1f, optimizer %.1f)",
                epoch,
                c.epochs(),
                m.trainLoss(),
                m.validationLoss(),
                m.validationAccuracy(),
                m.samplesPerSecond(),
                Progress.duration(seconds),
                m.dataWaitSeconds(),
                m.stepSeconds(),
                m.forwardSeconds(),
                m.backwardSeconds(),
                m.optimizerSeconds()));
        r.listener().onEpoch(m);
      }

      // The bundle, with the training weights next to the ONNX graphs.
      ModelSpec.Provenance provenance =
          ModelSpec.Provenance.now(
              p.start().description(),
              p.corpus().root()
                  + " train split: "
                  + p.train().size()
                  + " pairs, "
                  + c.epochs()
                  + " epochs x "
                  + c.samplesPerEpoch()
                  + " samples with replacement",
              TOOL_VERSION,
              provenanceDetails(c, history));
      progress.line("Exporting the model bundle to " + p.bundleDir() + "...");
      var weights = model.toStateDict();
      BundleExporter.export(
          new BundleExporter.Request(
              cc,
              weights,
              TextPooling.FIRST_EOS,
              p.start().tokenizerJson(),
              c.name(),
              p.version(),
              provenance,
              Map.of()),
          p.bundleDir(),
          true);
      Safetensors.write(weights, p.bundleDir().resolve(StartModel.BUNDLE_WEIGHTS_FILE));

      EvaluationReport evaluation = null;
      if (c.evaluateTest()) {
        progress.line("Evaluating the bundle on " + p.test().size() + " test pairs...");
        Evaluator.Result res;
        try (Embedder e = Embedder.bundle(p.bundleDir(), c.evalBatchSize(), c.loaderThreads())) {
          res = Evaluator.evaluate(runName(p), p.corpus(), p.test(), e, c.evalBatchSize());
        }
        evaluation = res.report();
        Plots.heatmap(
            res.firstBatch(),
            runName(p) + ": cosine similarity, first test batch",
            p.out().resolve("heatmap.png"));
      }
      Map<String, Object> specEval = new LinkedHashMap<>();
      if (evaluation != null) {
        specEval.put("test", evaluation.toMap());
      }
      if (baseline != null) {
        specEval.put("baseline", baseline.toMap());
      }
      if (!history.isEmpty()) {
        EpochMetrics lastEpoch = history.get(history.size() - 1);
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("epoch", lastEpoch.epoch());
        v.put("loss", finiteOrNull(lastEpoch.validationLoss()));
        v.put("in_batch_accuracy", finiteOrNull(lastEpoch.validationAccuracy()));
        v.put("batch_size", c.validationBatchSize());
        specEval.put("validation", v);
      }
      Path specFile = p.bundleDir().resolve(ModelBundle.SPEC_FILE);
      ModelSpec spec = ModelBundle.load(p.bundleDir()).spec();
      ModelBundle.writeSpec(specFile, spec.withEvaluation(specEval));

      writeReports(p, evaluation, baseline, history);
      progress.line("Done: bundle " + p.bundleDir() + ", report " + p.out().resolve("report.md"));
      return new Outcome(p.bundleDir(), evaluation, baseline, List.copyOf(history));
    }
  }

  /** Validation loss and in-batch top-1 accuracy, or NaN, NaN without validation pairs. */
  private static double[] validate(ClipModel model, BatchLoader loader, TrainingConfig c) {
    int n = loader.records().size();
    if (n == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    double logitScale = model.logitScale().getArray().getFloat();
    double lossSum = 0;
    long correct = 0;
    long pairs = 0;
    try (Prefetcher prefetch =
        new Prefetcher(
            loader,
            Prefetcher.chunk(all, c.validationBatchSize()),
            c.loaderThreads(),
            c.prefetchBatches())) {
      while (prefetch.hasNext()) {
        Batch b = prefetch.next();
        if (b.size() == 0) {
          continue;
        }
        float[][] img = model.embedImages(b.pixels(), b.size());
        float[][] txt = model.embedTexts(b.ids());
        lossSum += RetrievalMetrics.contrastiveLoss(img, txt, logitScale) * b.size();
        int[] ranks =
            RetrievalMetrics.inBatchRanks(
                img, txt, RetrievalMetrics.groupsOf(b.captions()), b.size());
        for (int rank : ranks) {
          if (rank == 1) {
            correct++;
          }
        }
        pairs += b.size();
      }
    }
    if (pairs == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    return new double[] {lossSum / pairs, (double) correct / pairs};
  }

  static ClipTokenizer loadTokenizer(Path file, ClipConfig cc) throws UserInputException {
    ClipConfig.TextConfig t = cc.text();
    try {
      return ClipTokenizer.load(
          file, t.maxPositions(), t.bosTokenId(), t.eosTokenId(), t.padTokenId());
    } catch (IOException | RuntimeException e) {
      throw new UserInputException(
          "The tokenizer " + file + " cannot be used: " + StartModel.oneLine(e) + ".", e);
    }
  }

  private static Map<String, Object> provenanceDetails(
      TrainingConfig c, List<EpochMetrics> history) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("config", c.asMap());
    List<Map<String, Object>> epochs = new ArrayList<>();
    for (EpochMetrics m : history) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("epoch", m.epoch());
      e.put("train_loss", finiteOrNull(m.trainLoss()));
      e.put("validation_loss", finiteOrNull(m.validationLoss()));
      e.put("validation_accuracy", finiteOrNull(m.validationAccuracy()));
      epochs.add(e);
    }
    d.put("epochs", epochs);
    return d;
  }

  private static Object finiteOrNull(double v) {
    return Double.isFinite(v) ? v : null;
  }

  private static void writeHistory(Path out, List<EpochMetrics> history) throws IOException {
    ArrayNode a = EvaluationReport.JSON.createArrayNode();
    history.forEach(m -> a.add(m.toJson()));
    RunFiles.writeJsonAtomically(out.resolve("history.json"), a);
    lossPlot(out.resolve("loss.png"), out.getFileName().toString(), history);
  }

  /** Loss curves: per-step train loss, per-epoch train and validation loss, against epochs. */
  static void lossPlot(Path png, String title, List<EpochMetrics> history) throws IOException {
    Map<String, List<double[]>> series = new LinkedHashMap<>();
    List<double[]> steps = new ArrayList<>();
    List<double[]> trainEpoch = new ArrayList<>();
    List<double[]> valEpoch = new ArrayList<>();
    for (EpochMetrics m : history) {
      float[] l = m.stepLosses();
      for (int i = 0; i < l.length; i++) {
        steps.add(new double[] {m.epoch() - 1 + (i + 1.0) / l.length, l[i]});
      }
      trainEpoch.add(new double[] {m.epoch(), m.trainLoss()});
      valEpoch.add(new double[] {m.epoch(), m.validationLoss()});
    }
    series.put("train (step)", steps);
    series.put("train (epoch)", trainEpoch);
    series.put("validation", valEpoch);
    Plots.lineChart("loss: " + title, "epoch", "loss (nats)", series, png);
  }

  private static void writeReports(
      Plan p, EvaluationReport evaluation, EvaluationReport baseline, List<EpochMetrics> history)
      throws IOException {
    ObjectNode report =
        evaluation != null ? evaluation.toJson() : EvaluationReport.JSON.createObjectNode();
    if (baseline != null) {
      report.set("baseline", baseline.toJson());
    }
    ArrayNode h = report.putArray("history");
    for (EpochMetrics m : history) {
      ObjectNode o = m.toJson();
      o.remove("step_losses");
      h.add(o);
    }
    report.set("config", p.config().toJson());
    report.put("bundle", p.bundleDir().toString());
    RunFiles.writeJsonAtomically(p.out().resolve(Compare.REPORT_FILE), report);

    StringBuilder md = new StringBuilder();
    md.append("# Fine-tuning run ").append(p.out().getFileName()).append("\n\n");
    md.append("- start: ").append(p.start().description()).append("\n");
    md.append("- bundle: `").append(p.bundleDir()).append("`\n\n");
    if (evaluation != null) {
      List<EvaluationReport> rows = new ArrayList<>();
      if (baseline != null) {
        rows.add(baseline);
      }
      rows.add(evaluation);
      md.append("## Test split, in-batch MRR@k\n\n").append(Compare.table(rows)).append("\n");
    }
    md.append("## Epochs\n\n");
    md.append(
        "| epoch | step | train loss | validation loss | validation accuracy | samples/s |"
            + " data wait s | step s | forward s | backward s | optimizer s |\n");
    md.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (EpochMetrics m : history) {
      md.append(
          String.format(
              java.util.Locale.ROOT,
              "| %d | %d | %.4f | %.4f | %.3f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |%n",
              m.epoch(),
              m.step(),
              m.trainLoss(),
              m.validationLoss(),
              m.validationAccuracy(),
              m.samplesPerSecond(),
              m.dataWaitSeconds(),
              m.stepSeconds(),
              m.forwardSeconds(),
              m.backwardSeconds(),
              m.optimizerSeconds()));
    }
    md.append("\n![loss](loss.png)\n");
    if (evaluation != null) {
      md.append("\n").append(evaluation.toMarkdown().replaceFirst("# ", "## "));
      md.append("\n![similarity of the first test batch](heatmap.png)\n");
    }
    Files.writeString(p.out().resolve("report.md"), md.toString());
  }

  private static float[] floats(JsonNode array, float[] fallback) {
    if (array == null || !array.isArray() || array.size() != fallback.length) {
      return fallback.clone();
    }
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }

  /** The row name of a run in tables: its folder's name. */
  private static String runName(Plan p) {
    return p.out().getFileName().toString();
  }

  private static String fmt(Double v) {
    return v == null ? "-" : String.format(java.util.Locale.ROOT, "%.3f", v);
  }
}
