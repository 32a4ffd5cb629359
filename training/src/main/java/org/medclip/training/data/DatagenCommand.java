package org.medclip.training.data;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.medclip.clip.corpus.DatasetException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code datagen}: writes a synthetic corpus in the ImageCLEF 2017 Caption Prediction layout,
 * either medical figures ({@link SyntheticCorpusGenerator}) or the general-domain shapes corpus
 * ({@link GeneralDomainGenerator}). Runnable on its own through {@link #main} or as a subcommand.
 * Exit codes: 0 done, 1 the output folder cannot be used, 2 bad options.
 */
@Command(
    name = "datagen",
    mixinStandardHelpOptions = true,
    description =
        "Generate a synthetic image-caption corpus in the ImageCLEF 2017 Caption Prediction layout"
            + " (deterministic by seed).")
public final class DatagenCommand implements Callable<Integer> {

  /** Which corpus to generate. */
  public enum Domain {
    /** Radiology-like scans, charts and multi-panel figures. */
    MEDICAL,
    /** Coloured shapes, for pretraining a general-domain base model. */
    GENERAL
  }

  @Option(names = "--out", required = true, description = "Output folder (created).")
  Path out;

  @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--train",
      defaultValue = "8000",
      description = "Images in training/ (default: ${DEFAULT-VALUE}).")
  int train;

  @Option(
      names = "--test",
      defaultValue = "1500",
      description =
          "Images in validation/, which becomes the TEST split (default: ${DEFAULT-VALUE}).")
  int test;

  @Option(
      names = "--unlabelled",
      defaultValue = "200",
      description = "Uncaptioned images in test/, only indexed (default: ${DEFAULT-VALUE}).")
  int unlabelled;

  @Option(names = "--threads", description = "Worker threads (default: number of cores).")
  int threads = Math.max(1, Runtime.getRuntime().availableProcessors());

  @Option(
      names = "--domain",
      defaultValue = "medical",
      description = "medical or general (default: ${DEFAULT-VALUE}).",
      converter = DomainConverter.class)
  Domain domain;

  @Option(names = "--overwrite", description = "Replace a corpus already in --out.")
  boolean overwrite;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  static final class DomainConverter implements CommandLine.ITypeConverter<Domain> {
    @Override
    public Domain convert(String value) {
      return Domain.valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
  }

  @Override
  public Integer call() throws Exception {
    if (train < 1 || test < 1 || unlabelled < 0 || threads < 1) {
      // an empty caption file would make the corpus unreadable (see ImageClefDataset)
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--train and --test must be at least 1, --unlabelled at least 0, --threads at least 1.");
    }
    long t0 = System.nanoTime();
    try {
      if (domain == Domain.MEDICAL) {
        SyntheticCorpusGenerator.generate(out, seed, train, test, unlabelled, threads, overwrite);
      } else {
        GeneralDomainGenerator.generate(out, seed, train, test, unlabelled, threads, overwrite);
      }
    } catch (DatasetException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return 1;
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    spec.commandLine()
        .getOut()
        .printf(
            Locale.ROOT,
            "Wrote %d %s images (%d training, %d validation, %d test) to %s in %.1f s with %d"
                + " threads.%n",
            train + test + unlabelled,
            domain.name().toLowerCase(Locale.ROOT),
            train,
            test,
            unlabelled,
            out,
            seconds,
            threads);
    return 0;
  }

  /** Runs the command and exits with its code. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new DatagenCommand()).execute(args));
  }
}
