package org.medclip.training.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.medclip.training.pipeline.Compare;
import org.medclip.training.pipeline.EvaluationReport;
import org.medclip.training.pipeline.UserInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code compare}: the study's table (rows = runs, columns = in-batch MRR@1, 3, 5, 10, 20) from the
 * JSON reports of {@code evaluate} and {@code finetune}; the baseline of a finetune report is its
 * own row.
 */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    description = "Print the MRR@k table of several runs (baseline included).")
public final class CompareCommand implements Callable<Integer> {

  @Parameters(
      arity = "1..*",
      paramLabel = "REPORT",
      description = "report.json files or folders holding one (finetune runs, evaluate --out).")
  List<Path> reports;

  @Option(names = "--out", description = "Also write the table to this Markdown file.")
  Path out;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    List<EvaluationReport> rows;
    try {
      rows = Compare.read(reports);
    } catch (IOException e) {
      throw new UserInputException(e.getMessage(), e);
    }
    String table = Compare.table(rows);
    if (out != null) {
      Path parent = out.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Files.writeString(out, table);
    }
    PrintWriter w = spec.commandLine().getOut();
    w.print(table);
    w.flush();
    return 0;
  }
}
