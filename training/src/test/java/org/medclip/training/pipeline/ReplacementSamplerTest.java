package org.medclip.training.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ReplacementSamplerTest {

  @Test
  void sameSeedSameDrawsOtherSeedOtherDraws() {
    int[] a = new ReplacementSampler(42).draw(1000, 97);
    int[] b = new ReplacementSampler(42).draw(1000, 97);
    int[] c = new ReplacementSampler(43).draw(1000, 97);
    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, c));
  }

  @Test
  void restoredStateContinuesTheSameSequence() {
    ReplacementSampler s = new ReplacementSampler(5);
    s.draw(123, 10);
    long state = s.state();
    int[] next = s.draw(50, 1000);
    assertArrayEquals(next, ReplacementSampler.restore(state).draw(50, 1000));
  }

  @Test
  void drawsWithReplacementUniformlyWithinBounds() {
    int n = 50;
    int draws = 50_000;
    int[] counts = new int[n];
    int[] idx = new ReplacementSampler(1).draw(draws, n);
    for (int i : idx) {
      assertTrue(i >= 0 && i < n);
      counts[i]++;
    }
    // With replacement: n draws from n items repeat some (P[no repeat] = n!/n^n, ~0).
    int[] firstN = Arrays.copyOf(idx, n);
    assertTrue(Arrays.stream(firstN).distinct().count() < n);
    // Uniform: every count within 5 sigma of draws / n = 1000 (sigma ~ 31).
    for (int c : counts) {
      assertEquals(1000, c, 160);
    }
  }

  @Test
  void rejectsEmptyRange() {
    assertThrows(IllegalArgumentException.class, () -> new ReplacementSampler(1).nextIndex(0));
    assertEquals(0, new ReplacementSampler(1).nextIndex(1));
  }
}
