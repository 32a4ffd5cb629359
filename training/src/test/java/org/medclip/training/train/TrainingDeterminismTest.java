package org.medclip.training.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.medclip.clip.ClipConfig;
import org.medclip.training.model.ClipModel;
import org.medclip.training.model.TestEngine;

/**
 * Training is bit-for-bit repeatable even while other threads allocate heavily (as the image loader
 * threads of a real run do).
 *
 * <p>Regression test: DJL's scalar ops ({@code mul(Number)}, {@code div(Number)}) multiply by a
 * scalar tensor wrapping Java memory that is closed right after the op, while autograd keeps it for
 * the backward pass; once the garbage collector freed that memory, gradients were read from freed
 * memory (losses drifted between identical runs, weights became NaN). The model and loss now use
 * libtorch-owned scalars ({@code Nd.mulScalar}/{@code divScalar}).
 */
class TrainingDeterminismTest {

  @Test
  void repeatedTrainingIsBitIdenticalUnderAllocationPressure() {
    TestEngine.singleThreaded();
    Thread churn =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                byte[][] junk = new byte[64][];
                for (int i = 0; i < 64; i++) {
                  junk[i] = new byte[1 << 16];
                }
                ByteBuffer.allocateDirect(1 << 16);
              }
            });
    churn.setDaemon(true);
    churn.start();
    try {
      ClipConfig cfg = ClipConfig.tiny();
      Random r = new Random(1);
      int n = 8;
      float[] px = new float[n * 3 * 32 * 32];
      for (int i = 0; i < px.length; i++) {
        px[i] = (float) r.nextGaussian();
      }
      long[][] ids = new long[n][10];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < 10; j++) {
          ids[i][j] = 3 + r.nextInt(90);
        }
        ids[i][0] = 1;
        ids[i][9] = 2;
      }
      double reference = Double.NaN;
      for (int run = 0; run < 8; run++) {
        try (ClipModel model = ClipModel.create(cfg, Device.cpu(), 42);
            ClipTrainer t =
                new ClipTrainer(
                    model,
                    new ClipTrainer.Options(
                        LearningRateSchedule.linearDecay(1e-3, 6),
                        AdamW.Settings.torchDefaults(),
                        0));
            NDManager unused = model.manager().newSubManager()) {
          double sum = 0;
          for (int s = 0; s < 6; s++) {
            sum += t.step(px, ids);
          }
          if (run == 0) {
            reference = sum;
          }
          assertEquals(reference, sum, 0.0, "repetition " + run);
        }
      }
    } finally {
      churn.interrupt();
    }
  }
}
