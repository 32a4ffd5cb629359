package org.medclip.training.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The study's comparison table: one row per run, columns in-batch MRR@1, 3, 5, 10, 20 on the test
 * split. Reads the JSON reports that {@code evaluate} and {@code finetune} write; a finetune report
 * that carries the baseline (the model before fine-tuning) contributes that row too.
 */
public final class Compare {
  private Compare() {}

  /** The file a report directory holds. */
  public static final String REPORT_FILE = "report.json";

  /**
   * Reads the reports of {@code paths} (a report JSON file, or a directory holding {@value
   * #REPORT_FILE}); baselines first, each distinct baseline once, then the runs in argument order.
   *
   * @throws IOException naming the path that is missing or unreadable
   */
  public static List<EvaluationReport> read(List<Path> paths) throws IOException {
    List<EvaluationReport> baselines = new ArrayList<>();
    List<EvaluationReport> runs = new ArrayList<>();
    for (Path p : paths) {
      Path file = Files.isDirectory(p) ? p.resolve(REPORT_FILE) : p;
      if (!Files.isRegularFile(file)) {
        throw new IOException("No evaluation report at " + file + ".");
      }
      JsonNode root;
      try {
        root = EvaluationReport.JSON.readTree(file.toFile());
      } catch (IOException e) {
        throw new IOException("The report " + file + " is not valid JSON: " + e.getMessage(), e);
      }
      if (root == null || !root.has("in_batch_mrr")) {
        throw new IOException("The file " + file + " is not an evaluation report.");
      }
      runs.add(EvaluationReport.fromJson(root));
      if (root.has("baseline")) {
        EvaluationReport b = EvaluationReport.fromJson(root.get("baseline"));
        // Runs from the same start share one baseline row; another start gets its own, named
        // after the first run that brought it.
        boolean seen = baselines.stream().anyMatch(x -> x.inBatchMrr().equals(b.inBatchMrr()));
        if (!seen) {
          String run = runs.get(runs.size() - 1).name();
          baselines.add(baselines.isEmpty() ? b : b.withName(b.name() + " (" + run + ")"));
        }
      }
    }
    List<EvaluationReport> out = new ArrayList<>(baselines);
    out.addAll(runs);
    return out;
  }

  /** A Markdown table: rows = runs, columns = in-batch MRR@k for the study's k values. */
  /** Label of the ceiling row. */
  public static final String CEILING_ROW = "ceiling (a perfect model)";

  /** What the ceiling row means. */
  public static final String CEILING_NOTE =
      "The ceiling row is what a perfect model would score on the same batches: the synthetic"
          + " corpus records what each caption means (datagen's semantics.tsv), captions that"
          + " mean the same but are worded differently cannot be told apart from the image, and"
          + " a perfect model ranks them in random order (expected value).";

  public static String table(List<EvaluationReport> reports) {
    StringBuilder sb = new StringBuilder("| run");
    StringBuilder rule = new StringBuilder("| ---");
    for (int k : RetrievalMetrics.STUDY_KS) {
      sb.append(" | MRR@").append(k);
      rule.append(" | ---:");
    }
    sb.append(" |\n").append(rule).append(" |\n");
    for (EvaluationReport r : reports) {
      row(sb, r.name(), r.inBatchMrr());
    }
    // One ceiling row, from the first report that has one (runs compared on the same split share
    // it).
    reports.stream()
        .filter(r -> !r.ceilingMrr().isEmpty())
        .findFirst()
        .ifPresent(r -> row(sb, CEILING_ROW, r.ceilingMrr()));
    return sb.toString();
  }

  private static void row(StringBuilder sb, String name, Map<Integer, Double> mrr) {
    sb.append("| ").append(name);
    for (int k : RetrievalMetrics.STUDY_KS) {
      Double v = mrr.get(k);
      sb.append(v == null ? " | -" : String.format(Locale.ROOT, " | %.3f", v));
    }
    sb.append(" |\n");
  }
}
