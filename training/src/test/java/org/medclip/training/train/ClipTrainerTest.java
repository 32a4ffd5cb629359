package org.medclip.training.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medclip.clip.ClipConfig;
import org.medclip.training.model.ClipModel;
import org.medclip.training.model.TestEngine;
import org.medclip.training.weights.NamedTensor;
import org.medclip.training.weights.StateDict;

class ClipTrainerTest {
  private static final ClipConfig TINY = ClipConfig.tiny();
  private static final ClipTrainer.Options OPTIONS =
      new ClipTrainer.Options(LearningRateSchedule.constant(1e-3), AdamW.Settings.clipPaper(), 1.0);

  @BeforeAll
  static void engine() {
    TestEngine.singleThreaded();
  }

  @Test
  void contrastiveLossMatchesHandComputation() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      float[][] img = {{1, 0}, {0.6f, 0.8f}, {0, 1}};
      float[][] txt = {{0.8f, 0.6f}, {0, 1}, {1, 0}};
      float logitScale = 1.5f;
      double expected = 0;
      double s = Math.exp(logitScale);
      for (int dir = 0; dir < 2; dir++) {
        for (int i = 0; i < 3; i++) {
          double[] row = new double[3];
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j < 3; j++) {
            float[] a = dir == 0 ? txt[i] : img[i];
            float[] b = dir == 0 ? img[j] : txt[j];
            row[j] = s * (a[0] * b[0] + a[1] * b[1]);
            max = Math.max(max, row[j]);
          }
          double z = 0;
          for (double r : row) {
            z += Math.exp(r - max);
          }
          expected += -(row[i] - max - Math.log(z)) / 3 / 2;
        }
      }
      NDArray loss = ContrastiveLoss.compute(m.create(img), m.create(txt), m.create(logitScale));
      assertEquals(expected, loss.getFloat(), 1e-5);
    }
  }

  @Test
  void everyParameterReceivesAGradientFromTheContrastiveLoss() {
    SyntheticBatch batch = SyntheticBatch.of(TINY, 4, 8);
    try (ClipModel model = ClipModel.create(TINY, Device.cpu(), 2);
        NDManager scratch = model.manager().newSubManager()) {
      int s = TINY.vision().imageSize();
      NDArray px = scratch.create(batch.pixels(), new ai.djl.ndarray.types.Shape(4, 3, s, s));
      long[] flat = new long[4 * 8];
      for (int i = 0; i < 4; i++) {
        System.arraycopy(batch.ids()[i], 0, flat, i * 8, 8);
      }
      NDArray ids = scratch.create(flat, new ai.djl.ndarray.types.Shape(4, 8));
      try (ai.djl.training.GradientCollector gc =
          ai.djl.engine.Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray loss =
            ContrastiveLoss.compute(
                model.encodeImages(px, true),
                model.encodeTexts(ids, true),
                model.logitScale().getArray());
        gc.backward(loss);
      }
      for (Map.Entry<String, ai.djl.nn.Parameter> e : model.parameters().entrySet()) {
        NDArray g = e.getValue().getArray().getGradient();
        g.attach(scratch);
        assertTrue(g.abs().sum().getFloat() > 0, "no gradient reached " + e.getKey());
      }
    }
  }

  @Test
  void lossDecreasesOnAFixedBatch() {
    SyntheticBatch batch = SyntheticBatch.of(TINY, 4, 1);
    try (ClipModel model = ClipModel.create(TINY, Device.cpu(), 1);
        ClipTrainer trainer = new ClipTrainer(model, OPTIONS)) {
      float first = trainer.step(batch.pixels(), batch.ids());
      float last = first;
      for (int i = 0; i < 30; i++) {
        last = trainer.step(batch.pixels(), batch.ids());
      }
      assertTrue(last < first * 0.5, "loss " + first + " -> " + last);
      assertEquals(31, trainer.stepCount());
      assertTrue(trainer.lastGradNorm() > 0);
    }
  }

  @Test
  void sameSeedGivesIdenticalLossSequence() {
    float[] a = losses(42, 5);
    float[] b = losses(42, 5);
    float[] c = losses(43, 5);
    assertEquals(Arrays.toString(a), Arrays.toString(b)); // bit-identical
    assertNotEquals(Arrays.toString(a), Arrays.toString(c));
  }

  private static float[] losses(long seed, int steps) {
    try (ClipModel model = ClipModel.create(TINY, Device.cpu(), seed);
        ClipTrainer trainer = new ClipTrainer(model, OPTIONS)) {
      float[] out = new float[steps];
      for (int i = 0; i < steps; i++) {
        SyntheticBatch b = SyntheticBatch.of(TINY, 4, seed * 1000 + i);
        out[i] = trainer.step(b.pixels(), b.ids());
      }
      return out;
    }
  }

  @Test
  void logitScaleIsClampedToZeroAndLn100AfterEachStep() {
    SyntheticBatch batch = SyntheticBatch.of(TINY, 4, 2);
    ClipTrainer.Options zeroLr =
        new ClipTrainer.Options(LearningRateSchedule.constant(0), AdamW.Settings.clipPaper(), 1.0);
    try (ClipModel model = ClipModel.create(TINY);
        ClipTrainer trainer = new ClipTrainer(model, zeroLr)) {
      setLogitScale(model, 6f);
      trainer.step(batch.pixels(), batch.ids());
      assertEquals((float) Math.log(100), logitScale(model), 0f);
      setLogitScale(model, -0.5f);
      trainer.step(batch.pixels(), batch.ids());
      assertEquals(0f, logitScale(model), 0f);
      setLogitScale(model, 3f); // inside the range: untouched
      trainer.step(batch.pixels(), batch.ids());
      assertEquals(3f, logitScale(model), 0f);
    }
  }

  @Test
  void nonFiniteLossSkipsTheUpdate() {
    SyntheticBatch batch = SyntheticBatch.of(TINY, 4, 3);
    try (ClipModel model = ClipModel.create(TINY);
        ClipTrainer trainer = new ClipTrainer(model, OPTIONS)) {
      StateDict sd = model.toStateDict();
      StateDict broken = new StateDict();
      sd.asMap().forEach(broken::put);
      float[] nan = new float[24 * 32];
      java.util.Arrays.fill(nan, Float.NaN);
      broken.put("text_projection.weight", new NamedTensor(new long[] {24, 32}, nan));
      model.loadStateDict(broken);
      float before = model.toStateDict().get("visual_projection.weight").data()[0];
      org.junit.jupiter.api.Assertions.assertThrows(
          IllegalStateException.class, () -> trainer.step(batch.pixels(), batch.ids()));
      assertEquals(0, trainer.stepCount());
      assertEquals(before, model.toStateDict().get("visual_projection.weight").data()[0]);
    }
  }

  private static void setLogitScale(ClipModel model, float value) {
    StateDict sd = model.toStateDict();
    StateDict changed = new StateDict();
    for (Map.Entry<String, NamedTensor> e : sd.asMap().entrySet()) {
      changed.put(e.getKey(), e.getValue());
    }
    changed.put("logit_scale", new NamedTensor(new long[0], new float[] {value}));
    model.loadStateDict(changed);
  }

  private static float logitScale(ClipModel model) {
    return model.toStateDict().get("logit_scale").data()[0];
  }

  @Test
  void resumeFromCheckpointContinuesIdenticallyOnlyWithOptimizerState(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("ckpt.bin");
    SyntheticBatch next = SyntheticBatch.of(TINY, 4, 103);
    SyntheticBatch probe = SyntheticBatch.of(TINY, 4, 104);
    float expected;
    try (ClipModel model = ClipModel.create(TINY, Device.cpu(), 5);
        ClipTrainer trainer = new ClipTrainer(model, OPTIONS)) {
      for (int i = 0; i < 3; i++) {
        SyntheticBatch b = SyntheticBatch.of(TINY, 4, 100 + i);
        trainer.step(b.pixels(), b.ids());
      }
      trainer.saveCheckpoint(file);
      trainer.step(next.pixels(), next.ids());
      // The loss after the update: it depends on the Adam moments used by that update.
      expected = trainer.evaluateLoss(probe.pixels(), probe.ids());
    }
    Checkpoint ckpt = Checkpoint.load(file);
    assertEquals(3, ckpt.step());
    // A new model object (different init seed) restored from the file.
    try (ClipModel model = ClipModel.create(TINY, Device.cpu(), 77);
        ClipTrainer trainer = new ClipTrainer(model, OPTIONS)) {
      trainer.restore(ckpt, true);
      assertEquals(3, trainer.stepCount());
      trainer.step(next.pixels(), next.ids());
      assertEquals(expected, trainer.evaluateLoss(probe.pixels(), probe.ids()), 1e-6);
    }
    try (ClipModel model = ClipModel.create(TINY, Device.cpu(), 77);
        ClipTrainer trainer = new ClipTrainer(model, OPTIONS)) {
      trainer.restore(ckpt, false);
      assertEquals(0, trainer.stepCount());
      trainer.step(next.pixels(), next.ids());
      float withoutState = trainer.evaluateLoss(probe.pixels(), probe.ids());
      assertTrue(
          Math.abs(withoutState - expected) > 1e-4,
          "fresh optimizer state must change the result: " + withoutState + " vs " + expected);
    }
  }
}
