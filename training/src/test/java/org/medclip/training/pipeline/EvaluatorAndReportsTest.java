package org.medclip.training.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medclip.clip.corpus.ImageRecord;
import org.medclip.clip.corpus.Split;

class EvaluatorAndReportsTest {
  @TempDir Path tmp;

  /**
   * A fake model: image i and caption i map to the same one-hot vector (a perfect model), except
   * that the image named {@code broken} cannot be decoded.
   */
  private static Embedder oneHot(List<ImageRecord> records, Corpus corpus, String broken) {
    Map<Path, Integer> byFile = new HashMap<>();
    Map<String, Integer> byCaption = new HashMap<>();
    for (int i = 0; i < records.size(); i++) {
      byFile.put(corpus.file(records.get(i)), i);
      byCaption.putIfAbsent(records.get(i).caption(), i);
    }
    int d = records.size();
    return new Embedder() {
      @Override
      public float[][] embedImages(List<Path> files) {
        float[][] out = new float[files.size()][];
        for (int i = 0; i < files.size(); i++) {
          if (!files.get(i).getFileName().toString().startsWith(broken)) {
            out[i] = new float[d];
            out[i][byCaption.get(records.get(byFile.get(files.get(i))).caption())] = 1f;
          }
        }
        return out;
      }

      @Override
      public float[][] embedTexts(List<String> texts) {
        float[][] out = new float[texts.size()][d];
        for (int i = 0; i < texts.size(); i++) {
          out[i][byCaption.get(texts.get(i))] = 1f;
        }
        return out;
      }

      @Override
      public String description() {
        return "one-hot";
      }

      @Override
      public void close() {}
    };
  }

  @Test
  void evaluatorMeasuresThePairsItCouldEmbedAndCountsTheRest() {
    Corpus corpus = new Corpus(tmp, List.of());
    List<ImageRecord> records = new ArrayList<>();
    for (int i = 0; i < 70; i++) {
      records.add(new ImageRecord("img" + i, Split.TEST, "img" + i + ".png", "caption " + i));
    }
    Evaluator.Result r =
        Evaluator.evaluate("perfect", corpus, records, oneHot(records, corpus, "img7."), 64);
    EvaluationReport e = r.report();
    assertEquals(69, e.images());
    assertEquals(1, e.skipped());
    assertEquals(5, e.lastBatchSize());
    assertEquals(69, e.distinctCaptions());
    e.inBatchMrr().values().forEach(v -> assertEquals(1.0, v, 0));
    assertEquals(1.0, e.textToImage().recall().get(1), 0);
    assertEquals(1.0, e.imageToText().mrrAt10(), 0);
    assertEquals(64, r.firstBatch().length);
    assertEquals(1f, r.firstBatch()[3][3], 0f);
    assertEquals(0f, r.firstBatch()[3][4], 0f);
    assertEquals("test", e.split());
    assertTrue(e.ceilingMrr().isEmpty(), "no semantics.tsv, no ceiling");
  }

  @Test
  void aCorpusThatRecordsMeaningsGetsACeilingRow() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("with-semantics"));
    List<ImageRecord> records = new ArrayList<>();
    for (int i = 0; i < 70; i++) {
      records.add(new ImageRecord("img" + i, Split.TEST, "img" + i + ".png", "caption " + i));
    }
    Semantics.write(root, 70, i -> "img" + i, i -> i <= 1 ? "same as img0" : "m" + i);
    Corpus corpus = new Corpus(root, List.of());
    EvaluationReport e =
        Evaluator.evaluate("perfect", corpus, records, oneHot(records, corpus, "img7."), 64)
            .report();
    // img0 and img1 (same batch) mean the same: each is first with probability 1/2.
    assertEquals(68.0 / 69, e.ceilingMrr().get(1), 1e-12);
    assertEquals((67 + 2 * 0.75) / 69, e.ceilingMrr().get(3), 1e-12);
    assertTrue(e.toMarkdown().contains("| " + Compare.CEILING_ROW + " | 0.986 |"), e.toMarkdown());
    assertEquals(e, EvaluationReport.fromJson(e.toJson()));
  }

  private static EvaluationReport report(String name, double mrr1) {
    Map<Integer, Double> mrr = new java.util.LinkedHashMap<>();
    for (int k : RetrievalMetrics.STUDY_KS) {
      mrr.put(k, Math.min(1, mrr1 + k / 100.0));
    }
    RetrievalMetrics.Directional d =
        new RetrievalMetrics.Directional(Map.of(1, 0.1, 5, 0.5, 10, 0.9), 0.3, 10);
    return new EvaluationReport(name, "m", "test", 10, 0, 64, 10, 10, mrr, Map.of(), d, d, 1.0);
  }

  @Test
  void reportsRoundTripAndCompareTabulatesRunsWithTheirBaselines() throws Exception {
    EvaluationReport a = report("lr5e-5", 0.8);
    assertEquals(a, EvaluationReport.fromJson(a.toJson()));
    Path runA = Files.createDirectories(tmp.resolve("runA"));
    var json = a.toJson();
    json.set("baseline", report("baseline", 0.4).toJson());
    RunFiles.writeJsonAtomically(runA.resolve("report.json"), json);
    Path runB = Files.createDirectories(tmp.resolve("runB"));
    var jsonB = report("lr1e-4", 0.7).toJson();
    jsonB.set("baseline", report("baseline", 0.4).toJson()); // same start model
    RunFiles.writeJsonAtomically(runB.resolve("report.json"), jsonB);
    Path runC = tmp.resolve("c.json");
    var jsonC = report("other-start", 0.6).toJson();
    jsonC.set("baseline", report("baseline", 0.2).toJson()); // another start model
    RunFiles.writeJsonAtomically(runC, jsonC);

    List<EvaluationReport> rows = Compare.read(List.of(runA, runB, runC));
    assertEquals(
        List.of("baseline", "baseline (other-start)", "lr5e-5", "lr1e-4", "other-start"),
        rows.stream().map(EvaluationReport::name).toList());
    String table = Compare.table(rows);
    String[] lines = table.split("\n");
    assertEquals("| run | MRR@1 | MRR@3 | MRR@5 | MRR@10 | MRR@20 |", lines[0]);
    assertEquals("| baseline | 0.410 | 0.430 | 0.450 | 0.500 | 0.600 |", lines[2]);
    assertEquals("| lr5e-5 | 0.810 | 0.830 | 0.850 | 0.900 | 1.000 |", lines[4]);
    assertTrue(a.toMarkdown().contains("| text -> image | 0.100 | 0.500 | 0.900 | 0.300 |"));

    assertThrows(java.io.IOException.class, () -> Compare.read(List.of(tmp.resolve("none"))));
  }

  @Test
  void plotsAreReadablePngsAlsoForDegenerateInput() throws Exception {
    Path heat = tmp.resolve("h.png");
    Plots.heatmap(new float[][] {{0.5f, 0.5f}, {0.5f, 0.5f}}, "flat", heat);
    assertNotNull(ImageIO.read(heat.toFile()));
    Path empty = tmp.resolve("e.png");
    Plots.heatmap(new float[0][0], "empty", empty);
    assertNotNull(ImageIO.read(empty.toFile()));
    Path lines = tmp.resolve("sub/l.png");
    Plots.lineChart(
        "loss",
        "epoch",
        "nats",
        Map.of(
            "one point",
            List.of(new double[] {1, 2}),
            "nan",
            List.of(new double[] {1, Double.NaN})),
        lines);
    assertNotNull(ImageIO.read(lines.toFile()));
  }
}
