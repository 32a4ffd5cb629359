package org.medclip.training.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.medclip.clip.corpus.DataReport;
import org.medclip.clip.corpus.DatasetException;
import org.medclip.clip.corpus.ImageClefDataset;
import org.medclip.clip.corpus.SplitManifest;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code datacheck}: reads an ImageCLEF 2017 Caption Prediction folder, prints the {@link
 * DataReport} as Markdown and writes the split manifest that later commands reuse. An existing
 * manifest is kept (and the split it holds stays authoritative) unless {@code --rewrite-manifest}.
 * Exit codes: 0 done, 1 the folder or manifest cannot be used (one sentence on stderr), 2 bad
 * options.
 */
@Command(
    name = "datacheck",
    mixinStandardHelpOptions = true,
    description =
        "Read an ImageCLEF 2017 Caption Prediction folder, report bad rows by reason and write the"
            + " train/validation/test split manifest.")
public final class DatacheckCommand implements Callable<Integer> {

  @Option(names = "--root", required = true, description = "Dataset folder.")
  Path root;

  @Option(
      names = "--manifest",
      description =
          "Split manifest to write (default: <root>/" + SplitManifest.DEFAULT_FILE_NAME + ").")
  Path manifest;

  @Option(names = "--rewrite-manifest", description = "Replace an existing manifest.")
  boolean rewrite;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Split seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--validation-fraction",
      defaultValue = "0.1",
      description = "Share of the original training set held out (default: ${DEFAULT-VALUE}).")
  double validationFraction;

  @Option(names = "--verify-images", description = "Decode every image header (slower).")
  boolean verifyImages;

  @Option(names = "--threads", description = "Threads for --verify-images (default: cores).")
  int threads = Math.max(1, Runtime.getRuntime().availableProcessors());

  @Option(
      names = "--max-examples",
      defaultValue = "5",
      description = "Examples per reason (default: ${DEFAULT-VALUE}).")
  int maxExamples;

  @Option(names = "--report-json", description = "Also write the report as JSON to this file.")
  Path reportJson;

  @Option(names = "--report-md", description = "Also write the Markdown report to this file.")
  Path reportMarkdown;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    ImageClefDataset.Options options;
    try {
      options =
          new ImageClefDataset.Options(
              seed, validationFraction, verifyImages, maxExamples, threads);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage() + ".");
    }
    Path manifestFile = manifest != null ? manifest : root.resolve(SplitManifest.DEFAULT_FILE_NAME);
    try {
      ImageClefDataset ds = ImageClefDataset.load(root, options);
      DataReport report = ds.report();
      spec.commandLine().getOut().print(report.toMarkdown());
      if (reportJson != null) {
        Files.writeString(reportJson, report.toJson(), StandardCharsets.UTF_8);
      }
      if (reportMarkdown != null) {
        Files.writeString(reportMarkdown, report.toMarkdown(), StandardCharsets.UTF_8);
      }
      if (Files.exists(manifestFile) && !rewrite) {
        spec.commandLine()
            .getOut()
            .println(
                "\nKept the existing split manifest "
                    + manifestFile
                    + " ("
                    + SplitManifest.read(manifestFile).size()
                    + " images); pass --rewrite-manifest to replace it.");
      } else {
        SplitManifest.write(manifestFile, ds.records());
        spec.commandLine().getOut().println("\nWrote the split manifest " + manifestFile + ".");
      }
      spec.commandLine().getOut().flush();
      return 0;
    } catch (DatasetException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return 1;
    } catch (IOException e) {
      spec.commandLine().getErr().println("Cannot write the report or manifest: " + e + ".");
      return 1;
    }
  }

  /** Runs the command and exits with its code. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new DatacheckCommand()).execute(args));
  }
}
