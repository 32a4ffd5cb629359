package org.medclip.training.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medclip.training.model.TestEngine;

class FineTunerTest {
  @TempDir static Path tmp;
  static Path data;

  @BeforeAll
  static void setUp() throws Exception {
    TestEngine.singleThreaded();
    data = TinyCorpus.generate(tmp);
  }

  private static FineTuner.Request request(Path out, boolean resume, FineTuner.Listener l)
      throws Exception {
    return new FineTuner.Request(
        TinyCorpus.config(), data, null, null, true, out, null, resume, null, false, l);
  }

  /** Thrown by the listener to stop a run as a kill would. */
  static final class Killed extends RuntimeException {
    Killed() {
      super("killed");
    }
  }

  @Test
  void resumeAfterAKillGivesTheSameLossesAsAnUninterruptedRun() throws Exception {
    Path whole = tmp.resolve("whole");
    FineTuner.Outcome uninterrupted = FineTuner.run(request(whole, false, null));
    assertEquals(2, uninterrupted.history().size());

    Path killed = tmp.resolve("killed");
    FineTuner.Listener killInEpoch2 =
        new FineTuner.Listener() {
          @Override
          public void onStep(long step, float loss) {
            if (step == 5) { // epoch 2 of 3 steps each: step 5 is its middle
              throw new Killed();
            }
          }
        };
    assertThrows(Killed.class, () -> FineTuner.run(request(killed, false, killInEpoch2)));
    assertTrue(Files.isRegularFile(RunFiles.checkpoint(killed, 1)));
    assertTrue(Files.notExists(RunFiles.state(killed, 2)));

    FineTuner.Outcome resumed = FineTuner.run(request(killed, true, null));
    // The weights after the last epoch are bit-identical.
    var wa = org.medclip.training.train.Checkpoint.load(RunFiles.checkpoint(whole, 2));
    var wb = org.medclip.training.train.Checkpoint.load(RunFiles.checkpoint(killed, 2));
    for (String key : wa.weights().asMap().keySet()) {
      assertArrayEquals(
          wa.weights().get(key).data(), wb.weights().get(key).data(), 0f, "weights " + key);
      assertArrayEquals(
          wa.secondMoments().get(key).data(), wb.secondMoments().get(key).data(), 0f, "v " + key);
    }
    List<EpochMetrics> a = uninterrupted.history();
    List<EpochMetrics> b = resumed.history();
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i).stepLosses(), b.get(i).stepLosses(), 0f, "epoch " + (i + 1));
      String where = "epoch " + (i + 1) + ": " + a.get(i).toJson() + " vs " + b.get(i).toJson();
      assertEquals(a.get(i).validationLoss(), b.get(i).validationLoss(), 0.0, where);
      assertEquals(a.get(i).validationAccuracy(), b.get(i).validationAccuracy(), 0.0, where);
      assertEquals(a.get(i).step(), b.get(i).step());
    }
    assertEquals(6, b.get(1).step());
    assertTrue(Files.isRegularFile(resumed.bundle().resolve(StartModel.BUNDLE_WEIGHTS_FILE)));
    assertTrue(Files.isRegularFile(killed.resolve("loss.png")));
    assertTrue(Files.isRegularFile(killed.resolve("report.md")));

    // A fresh run into a folder holding a run is refused before training.
    UserInputException e =
        assertThrows(UserInputException.class, () -> FineTuner.run(request(whole, false, null)));
    assertTrue(e.getMessage().contains("already holds a run"), e.getMessage());

    // The bundle (with weights.safetensors) is itself a start model.
    StartModel fromBundle = StartModel.resolve(resumed.bundle());
    assertEquals(resumed.history().size(), 2);
    assertTrue(fromBundle.description().startsWith("bundle "));
  }

  @Test
  void aNewRunStartsFromTheConfiguredLogitScale() throws Exception {
    for (double scale : new double[] {-1, 4.0}) {
      Path out = tmp.resolve("scale" + scale);
      TrainingConfig c =
          TinyCorpus.config()
              .set("epochs", "1", "test")
              .set("learning_rate", "1e-7", "test")
              .set("logit_scale", Double.toString(scale), "test")
              .validated("test");
      FineTuner.run(
          new FineTuner.Request(c, data, null, null, true, out, null, false, null, false, null));
      float trained =
          org.medclip.training.train.Checkpoint.load(RunFiles.checkpoint(out, 1))
              .weights()
              .get("logit_scale")
              .data()[0];
      // 3 steps of lr 1e-7 move it by at most 3e-7; negative keeps the start model's (a new
      // tiny model: CLIP's 2.6592).
      assertEquals(scale < 0 ? 2.6592 : scale, trained, 1e-5);
    }
  }
}
