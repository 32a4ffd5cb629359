package org.medclip.training.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.medclip.training.pipeline.FineTuner;
import org.medclip.training.pipeline.Progress;
import org.medclip.training.pipeline.TrainingConfig;
import org.medclip.training.pipeline.UserInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code finetune}: trains from a bundle, an HF directory, a checkpoint or from scratch, and writes
 * the run folder and the model bundle. Config precedence: defaults (the study's best run), then
 * {@code --config FILE}, then {@code --set key=value} and the named options.
 */
@Command(
    name = "finetune",
    mixinStandardHelpOptions = true,
    description = {
      "Fine-tune CLIP on an ImageCLEF-layout folder and export a model bundle.",
      "Defaults are the study's best run: batch 64, AdamW lr 5e-5, 10 epochs x 50,000 samples"
          + " drawn with replacement, linear decay without warm-up."
    })
public final class FinetuneCommand implements Callable<Integer> {
  private static final Set<String> ARCHITECTURES = Set.of("demo", "tiny", "vit-b32");

  @Option(
      names = "--data",
      description = "Dataset folder (ImageCLEF layout); on --resume defaults to the run's.")
  Path data;

  @Option(names = "--manifest", description = "Split manifest (default: DATA/split-manifest.tsv).")
  Path manifest;

  @Option(
      names = "--from",
      description = "Start model: a bundle with weights.safetensors, an HF CLIP dir, or a .ckpt.")
  Path from;

  @Option(names = "--from-scratch", description = "Start from a new model (see --model).")
  boolean scratch;

  @Option(
      names = "--config",
      description =
          "Config file (.json or .properties); demo, tiny or vit-b32 instead selects the"
              + " architecture for --from-scratch.")
  String config;

  @Option(names = "--model", description = "Architecture for --from-scratch: demo, tiny, vit-b32.")
  String model;

  @Option(names = "--out", required = true, description = "Run folder.")
  Path out;

  @Option(names = "--bundle-out", description = "Bundle folder (default: OUT/bundle).")
  Path bundleOut;

  @Option(names = "--resume", description = "Continue the run in --out from its last checkpoint.")
  boolean resume;

  @Option(
      names = "--set",
      description = "Override a config key, e.g. --set learning_rate=1e-4 (repeatable).")
  Map<String, String> set = new LinkedHashMap<>();

  @Option(names = "--epochs", description = "Epochs.")
  Integer epochs;

  @Option(names = "--batch-size", description = "Batch size.")
  Integer batchSize;

  @Option(names = "--lr", description = "Peak learning rate.")
  String lr;

  @Option(names = "--samples-per-epoch", description = "Samples drawn per epoch.")
  Integer samplesPerEpoch;

  @Option(names = "--seed", description = "Sampler / initialisation seed.")
  Integer seed;

  @Option(names = "--name", description = "Model name in the bundle.")
  String name;

  @Option(names = "--loader-threads", description = "Image decoding threads.")
  Integer loaderThreads;

  @Option(names = "--no-prefetch", description = "Load batches synchronously (benchmarks).")
  boolean noPrefetch;

  @Option(names = "--quiet", description = "No progress output.")
  boolean quiet;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    TrainingConfig c = resolveConfig();
    PrintStream progress = quiet ? null : System.out;
    FineTuner.Outcome o =
        FineTuner.run(
            new FineTuner.Request(
                c,
                data,
                manifest,
                from,
                scratch,
                out,
                bundleOut,
                resume,
                progress,
                !quiet && Progress.stdoutIsTerminal(),
                null));
    var w = spec.commandLine().getOut();
    w.println("Bundle: " + o.bundle());
    if (o.evaluation() != null) {
      w.println();
      w.print(
          org.medclip.training.pipeline.Compare.table(
              o.baseline() == null
                  ? java.util.List.of(o.evaluation())
                  : java.util.List.of(o.baseline(), o.evaluation())));
    }
    w.flush();
    return 0;
  }

  /** Defaults, then the config file, then --set and the named options. */
  TrainingConfig resolveConfig() throws UserInputException {
    TrainingConfig c = TrainingConfig.defaults();
    String arch = model;
    if (config != null) {
      if (ARCHITECTURES.contains(config) && !Files.exists(Path.of(config))) {
        arch = arch == null ? config : arch;
      } else {
        c = c.merge(Path.of(config));
      }
    }
    Map<String, String> o = new LinkedHashMap<>(set);
    if (arch != null) {
      o.put("model", arch);
    }
    putIf(o, "epochs", epochs);
    putIf(o, "batch_size", batchSize);
    putIf(o, "learning_rate", lr);
    putIf(o, "samples_per_epoch", samplesPerEpoch);
    putIf(o, "seed", seed);
    putIf(o, "name", name);
    putIf(o, "loader_threads", loaderThreads);
    if (noPrefetch) {
      o.put("prefetch_batches", "0");
    }
    return c.setAll(o, "the command line options");
  }

  private static void putIf(Map<String, String> o, String key, Object v) {
    if (v != null) {
      o.put(key, v.toString());
    }
  }
}
