package org.medclip.training.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medclip.training.data.SyntheticCorpusGenerator;
import org.medclip.training.pipeline.RunFiles;
import org.medclip.training.train.Checkpoint;

/**
 * The resume promise against a real kill: {@code finetune} runs in a child JVM, is killed with
 * SIGKILL (no shutdown hooks, no finally blocks) while it trains epoch 2, and {@code finetune
 * --resume} in a new JVM finishes the run. The final weights and AdamW moments must be
 * bit-identical to those of a run that was never interrupted (also a child JVM, same settings).
 */
class FinetuneProcessKillTest {
  @TempDir static Path tmp;
  static Path data;

  @BeforeAll
  static void setUp() throws Exception {
    data = tmp.resolve("corpus");
    SyntheticCorpusGenerator.generate(data, 7, 40, 12, 0, 2, false);
  }

  /** The finetune command line in a child JVM with the test class path. */
  private static ProcessBuilder finetune(Path out, Path log, boolean resume) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(MedclipCli.class.getName());
    if (resume) {
      // Everything else comes from the run folder.
      cmd.addAll(List.of("finetune", "--out", out.toString(), "--resume"));
    } else {
      cmd.addAll(
          List.of(
              "finetune",
              "--data",
              data.toString(),
              "--from-scratch",
              "--config",
              "tiny",
              "--out",
              out.toString(),
              "--set",
              "batch_size=8",
              "--set",
              "epochs=3",
              // 60 steps per epoch: long enough to be killed inside epoch 2.
              "--set",
              "samples_per_epoch=480",
              "--set",
              "torch_threads=1",
              "--set",
              "evaluate_baseline=false",
              "--set",
              "evaluate_test=false"));
    }
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("DJL_OFFLINE", "true");
    pb.environment().put("OPT_OUT_TRACKING", "true");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    return pb;
  }

  private static void runToEnd(ProcessBuilder pb, Path log) throws Exception {
    Process p = pb.start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "finetune did not finish in 5 minutes");
    assertEquals(0, p.exitValue(), () -> "finetune failed:\n" + read(log));
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Test
  void aRunKilledWithSigkillResumesToTheSameWeightsAsAnUninterruptedRun() throws Exception {
    Path whole = tmp.resolve("whole");
    runToEnd(finetune(whole, tmp.resolve("whole.log"), false), tmp.resolve("whole.log"));

    Path killed = tmp.resolve("killed");
    Path killedLog = tmp.resolve("killed.log");
    Process p = finetune(killed, killedLog, false).start();
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    // Epoch 1's state file is written after its checkpoint: from then on epoch 2 is training.
    while (Files.notExists(RunFiles.state(killed, 1))) {
      assertTrue(p.isAlive(), () -> "finetune ended before epoch 1 was saved:\n" + read(killedLog));
      assertTrue(System.nanoTime() < deadline, "no epoch-1 checkpoint after 5 minutes");
      Thread.sleep(5);
    }
    p.destroyForcibly(); // SIGKILL on Linux
    assertTrue(p.waitFor(1, TimeUnit.MINUTES));
    assertEquals(137, p.exitValue(), "killed by SIGKILL");
    OptionalInt last = RunFiles.lastCompleteEpoch(killed);
    assertTrue(last.isPresent() && last.getAsInt() < 3, "the kill must land before the end");
    assertFalse(Files.exists(killed.resolve("bundle").resolve("clip-model.json")));

    Path resumedLog = tmp.resolve("resumed.log");
    runToEnd(finetune(killed, resumedLog, true), resumedLog);
    assertTrue(
        read(resumedLog).contains("after epoch " + last.getAsInt() + " "),
        () -> "the resumed run must start after the last saved epoch:\n" + read(resumedLog));

    Checkpoint a = Checkpoint.load(RunFiles.checkpoint(whole, 3));
    Checkpoint b = Checkpoint.load(RunFiles.checkpoint(killed, 3));
    assertEquals(a.step(), b.step());
    assertEquals(a.weights().asMap().keySet(), b.weights().asMap().keySet());
    for (String key : a.weights().asMap().keySet()) {
      assertArrayEquals(
          a.weights().get(key).data(), b.weights().get(key).data(), 0f, "weights " + key);
      assertArrayEquals(
          a.firstMoments().get(key).data(), b.firstMoments().get(key).data(), 0f, "m " + key);
      assertArrayEquals(
          a.secondMoments().get(key).data(), b.secondMoments().get(key).data(), 0f, "v " + key);
    }
    assertTrue(Files.isRegularFile(killed.resolve("bundle").resolve("clip-model.json")));
    assertTrue(new File(killed.toFile(), "history.json").isFile());
  }
}
