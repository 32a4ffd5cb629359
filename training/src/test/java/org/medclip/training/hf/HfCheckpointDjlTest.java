package org.medclip.training.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medclip.clip.ClipConfig;
import org.medclip.training.model.ClipModel;
import org.medclip.training.onnx.TestWeights;
import org.medclip.training.weights.StateDict;

/** A DJL model exported to HF layout and imported into a fresh model computes identical outputs. */
class HfCheckpointDjlTest {
  @TempDir Path dir;

  @Test
  void djlModelSurvivesHfRoundTripBitForBit() throws Exception {
    ClipConfig tiny = ClipConfig.tiny();
    try (ClipModel original = ClipModel.create(tiny);
        ClipModel restored = ClipModel.create(tiny, original.device(), 99)) {
      original.loadStateDict(TestWeights.random(tiny, 31));
      StateDict sd = original.toStateDict();
      HfCheckpoint.save(tiny, sd, dir);

      HfCheckpoint.Imported back = HfCheckpoint.load(dir);
      assertEquals(tiny, back.config());
      restored.loadStateDict(back.weights());

      StateDict again = restored.toStateDict();
      for (String key : sd.asMap().keySet()) {
        assertArrayEquals(sd.get(key).data(), again.get(key).data(), key);
      }
      float[] px = TestWeights.pixels(tiny, 7, 3);
      long[][] ids = TestWeights.ids(tiny, 7, 13, 3);
      assertArrayEquals(original.embedImages(px, 7), restored.embedImages(px, 7));
      assertArrayEquals(original.embedTexts(ids), restored.embedTexts(ids));
    }
  }
}
