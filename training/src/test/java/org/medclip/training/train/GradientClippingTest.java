package org.medclip.training.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.medclip.training.model.TestEngine;

class GradientClippingTest {

  @BeforeAll
  static void engine() {
    TestEngine.singleThreaded();
  }

  @Test
  void negativeGradientIsClippedToo() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray g = m.create(new float[] {-10f});
      double norm = GradientClipping.clipGlobalNorm(List.of(g), 1.0);
      assertEquals(10.0, norm, 1e-6);
      assertEquals(-1f, g.getFloat(), 1e-6f); // DJL's optClipGrad would leave -10
    }
  }

  @Test
  void scalesAllGradientsByTheGlobalNorm() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray a = m.create(new float[] {3f, 0f});
      NDArray b = m.create(new float[] {-4f});
      double norm = GradientClipping.clipGlobalNorm(List.of(a, b), 1.0);
      assertEquals(5.0, norm, 1e-6);
      assertArrayEquals(new float[] {0.6f, 0f}, a.toFloatArray(), 1e-6f);
      assertArrayEquals(new float[] {-0.8f}, b.toFloatArray(), 1e-6f);
    }
  }

  @Test
  void leavesSmallGradientsAndDisabledClippingAlone() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray a = m.create(new float[] {0.3f, -0.4f});
      assertEquals(0.5, GradientClipping.clipGlobalNorm(List.of(a), 1.0), 1e-6);
      assertArrayEquals(new float[] {0.3f, -0.4f}, a.toFloatArray(), 0f);
      NDArray big = m.create(new float[] {-100f});
      GradientClipping.clipGlobalNorm(List.of(big), 0);
      assertEquals(-100f, big.getFloat(), 0f);
    }
  }
}
