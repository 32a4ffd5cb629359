package org.medclip.training.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medclip.clip.ClipEncoder;
import org.medclip.training.data.SyntheticCorpusGenerator;
import org.medclip.training.model.TestEngine;

class MedclipCliTest {
  @TempDir static Path tmp;
  static Path data;

  @BeforeAll
  static void setUp() throws Exception {
    TestEngine.singleThreaded();
    data = tmp.resolve("corpus");
    SyntheticCorpusGenerator.generate(data, 7, 40, 12, 0, 2, false);
  }

  /** Exit code, stdout and stderr of one command line. */
  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = MedclipCli.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  private static String[] tiny(String... more) {
    String[] base = {
      "finetune",
      "--data",
      data.toString(),
      "--from-scratch",
      "--config",
      "tiny",
      "--quiet",
      "--set",
      "batch_size=8",
      "--set",
      "epochs=1",
      "--set",
      "samples_per_epoch=16",
      "--set",
      "eval_batch_size=8",
      "--set",
      "loader_threads=1",
      "--set",
      "version=test",
    };
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  private static void assertBadInput(Result r, String expected) {
    assertEquals(2, r.code(), r.err());
    String err = r.err().strip();
    assertEquals(1, err.lines().count(), "one sentence: " + err);
    assertTrue(err.contains(expected), err);
    assertTrue(err.endsWith("."), err);
  }

  @Test
  void finetuneWritesABundleWithItsEvaluationThenEvaluateAndCompareReadIt() throws Exception {
    Path run = tmp.resolve("run");
    Result r = run(tiny("--out", run.toString()));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("| run | MRR@1 | MRR@3 | MRR@5 | MRR@10 | MRR@20 |"), r.out());
    assertTrue(r.out().contains("| baseline |"), r.out());

    Path bundle = run.resolve("bundle");
    JsonNode spec = new ObjectMapper().readTree(bundle.resolve("clip-model.json").toFile());
    JsonNode test = spec.path("evaluation").path("test");
    assertEquals(12, test.path("images").asInt());
    for (String k : new String[] {"1", "3", "5", "10", "20"}) {
      double v = test.path("in_batch_mrr").path(k).asDouble(-1);
      assertTrue(v > 0 && v <= 1, k + ": " + v);
    }
    assertTrue(test.path("text_to_image").has("recall@10"));
    assertTrue(spec.path("evaluation").has("baseline"));
    assertTrue(Files.isRegularFile(bundle.resolve("weights.safetensors")));
    for (String f : new String[] {"report.json", "report.md", "loss.png", "heatmap.png"}) {
      assertTrue(Files.isRegularFile(run.resolve(f)), f);
    }
    try (ClipEncoder enc = ClipEncoder.open(bundle)) {
      assertEquals(24, enc.embedText("chest radiograph").length);
    }

    Path evalOut = tmp.resolve("eval");
    Result ev =
        run(
            "evaluate",
            "--data",
            data.toString(),
            "--model",
            bundle.toString(),
            "--batch-size",
            "8",
            "--threads",
            "1",
            "--name",
            "tiny-bundle",
            "--out",
            evalOut.toString());
    assertEquals(0, ev.code(), ev.err());
    assertTrue(ev.out().contains("| tiny-bundle |"), ev.out());
    // The bundle evaluated by `evaluate` is what finetune measured: same vectors, same numbers.
    JsonNode again = new ObjectMapper().readTree(evalOut.resolve("report.json").toFile());
    assertEquals(
        test.path("in_batch_mrr").path("1").asDouble(),
        again.path("in_batch_mrr").path("1").asDouble(),
        1e-9);

    // The checkpoint is evaluated through DJL.
    Result ck =
        run(
            "evaluate",
            "--data",
            data.toString(),
            "--model",
            run.resolve("checkpoints/epoch-1.ckpt").toString(),
            "--batch-size",
            "8",
            "--threads",
            "1",
            "--name",
            "tiny-ckpt");
    assertEquals(0, ck.code(), ck.err());

    Result cmp = run("compare", run.toString(), evalOut.resolve("report.json").toString());
    assertEquals(0, cmp.code(), cmp.err());
    String[] lines = cmp.out().strip().split("\n");
    // header, rule, baseline, run, evaluate, and the ceiling (the synthetic corpus has semantics)
    assertEquals(6, lines.length, cmp.out());
    assertTrue(
        lines[5].startsWith("| " + org.medclip.training.pipeline.Compare.CEILING_ROW + " |"));
    assertTrue(lines[2].startsWith("| baseline |"), cmp.out());
    assertTrue(lines[4].startsWith("| tiny-bundle |"), cmp.out());

    assertTrue(lines[3].startsWith("| run |"), cmp.out());

    // Resuming a finished run (data folder from run.json) only re-exports and re-evaluates.
    Result resumed = run("finetune", "--out", run.toString(), "--resume", "--quiet");
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.out().contains("| run |"), resumed.out());

    // Two starts (--from-scratch and --from) are refused before anything is trained.
    Result again2 = run(tiny("--out", tmp.resolve("run2").toString(), "--from", bundle.toString()));
    assertBadInput(again2, "Give exactly one start");
  }

  @Test
  void badInputIsOneSentenceAndExitCode2() throws Exception {
    Path out = tmp.resolve("bad");
    assertBadInput(
        run(
            "finetune",
            "--data",
            tmp.resolve("nope").toString(),
            "--from-scratch",
            "--out",
            out.toString()),
        "does not exist");
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertBadInput(
        run("finetune", "--data", empty.toString(), "--from-scratch", "--out", out.toString()),
        "is empty");
    Path wrong = Files.createDirectories(tmp.resolve("wrong/images"));
    Files.writeString(wrong.resolve("a.txt"), "x");
    assertBadInput(
        run(
            "finetune",
            "--data",
            wrong.getParent().toString(),
            "--from-scratch",
            "--out",
            out.toString()),
        "layout");
    Path noImages = tmp.resolve("noimages");
    SyntheticCorpusGenerator.generate(noImages, 1, 4, 2, 0, 1, false);
    try (var s = Files.walk(noImages)) {
      for (Path p : s.filter(p -> p.toString().endsWith(".png")).toList()) {
        Files.delete(p);
      }
    }
    assertBadInput(
        run("finetune", "--data", noImages.toString(), "--from-scratch", "--out", out.toString()),
        "");
    Path hf = Files.createDirectories(tmp.resolve("hf"));
    Files.writeString(hf.resolve("config.json"), "{\"model_type\": \"clip\"}");
    assertBadInput(
        run(
            "finetune",
            "--data",
            data.toString(),
            "--from",
            hf.toString(),
            "--out",
            out.toString()),
        "has no model.safetensors");
    Path cfg = tmp.resolve("bad.json");
    Files.writeString(cfg, "{\"batch_size\": 0}");
    assertBadInput(
        run(
            "finetune",
            "--data",
            data.toString(),
            "--from-scratch",
            "--config",
            cfg.toString(),
            "--out",
            out.toString()),
        "\"batch_size\"");
    assertBadInput(
        run(
            "finetune",
            "--data",
            data.toString(),
            "--from-scratch",
            "--lr",
            "-1e-4",
            "--out",
            out.toString()),
        "\"learning_rate\"");
    assertBadInput(
        run(
            "finetune",
            "--data",
            data.toString(),
            "--from-scratch",
            "--set",
            "bogus=1",
            "--out",
            out.toString()),
        "Unknown key \"bogus\"");
    assertBadInput(
        run("finetune", "--data", data.toString(), "--out", out.toString()),
        "Give exactly one start");
    assertBadInput(run("compare", tmp.resolve("missing.json").toString()), "No evaluation report");
    assertEquals(2, run("finetune", "--bogus-option").code());
    assertEquals(0, run("--help").code());
    assertTrue(Files.notExists(out.resolve("checkpoints")), "nothing trained");
  }
}
