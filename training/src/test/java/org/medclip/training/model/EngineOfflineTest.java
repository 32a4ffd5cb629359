package org.medclip.training.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.medclip.clip.ClipConfig;

/** The PyTorch engine starts without network access and runs a tiny forward/backward. */
class EngineOfflineTest {

  @BeforeAll
  static void engine() {
    TestEngine.singleThreaded();
  }

  @Test
  void pyTorchEngineTrainsTinyModelOffline() {
    assertEquals("true", System.getenv("DJL_OFFLINE"), "tests must run with DJL_OFFLINE=true");
    assertEquals("PyTorch", Engine.getInstance().getEngineName());
    ClipConfig tiny = ClipConfig.tiny();
    try (ClipModel model = ClipModel.create(tiny);
        NDManager sub = model.manager().newSubManager()) {
      int s = tiny.vision().imageSize();
      NDArray pixels = sub.randomNormal(new Shape(2, 3, s, s));
      NDArray ids = sub.create(new long[] {1, 5, 2, 0, 1, 7, 8, 2}, new Shape(2, 4));
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray img = model.encodeImages(pixels, true);
        NDArray txt = model.encodeTexts(ids, true);
        gc.backward(img.mul(txt).sum());
      }
      NDArray grad = model.parameters().get("text_projection.weight").getArray().getGradient();
      grad.attach(sub);
      assertTrue(grad.abs().sum().getFloat() > 0, "gradient reached the text projection");
    }
  }
}
