package org.medclip.training.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

  @Test
  void constant() {
    LearningRateSchedule s = LearningRateSchedule.constant(3e-4);
    assertEquals(3e-4, s.at(0));
    assertEquals(3e-4, s.at(1_000_000));
  }

  @Test
  void linearDecayToZeroWithoutWarmup() {
    LearningRateSchedule s = LearningRateSchedule.linearDecay(1e-3, 10);
    assertEquals(1e-3, s.at(0), 0);
    assertEquals(0.9e-3, s.at(1), 1e-18);
    assertEquals(0.5e-3, s.at(5), 1e-18);
    assertEquals(0.1e-3, s.at(9), 1e-18);
    assertEquals(0.0, s.at(10), 0);
    assertEquals(0.0, s.at(50), 0);
  }

  @Test
  void warmupThenCosineToExplicitFinalValue() {
    LearningRateSchedule s = LearningRateSchedule.warmupCosine(1.0, 4, 14, 0.1);
    assertEquals(0.25, s.at(0), 0);
    assertEquals(0.5, s.at(1), 0);
    assertEquals(1.0, s.at(3), 0);
    assertEquals(1.0, s.at(4), 1e-15); // start of the cosine: peak
    assertEquals(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 0.3)), s.at(7), 1e-15);
    assertEquals(0.55, s.at(9), 1e-15); // half-way: mean of peak and final
    assertEquals(0.1, s.at(14), 0);
    assertEquals(0.1, s.at(1000), 0);
    // Without warm-up the first step is at peak.
    assertEquals(2.0, LearningRateSchedule.warmupCosine(2.0, 0, 10, 0).at(0), 0);
    assertEquals(0.0, LearningRateSchedule.warmupCosine(2.0, 0, 10, 0).at(10), 0);
  }

  @Test
  void rejectsInvalidArguments() {
    assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.constant(-1));
    assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.linearDecay(1, 0));
    assertThrows(
        IllegalArgumentException.class, () -> LearningRateSchedule.warmupCosine(1, 10, 10, 0));
  }
}
