package org.medclip.training.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.medclip.clip.ClipConfig;
import org.medclip.training.hf.HfCheckpoint;
import org.medclip.training.hf.HfKeys;
import org.medclip.training.weights.NamedTensor;
import org.medclip.training.weights.StateDict;

/**
 * Full openai/clip-vit-base-patch32 size (151 M parameters): export both towers to files, run them
 * in ONNX Runtime and compare with the double-precision reference; HF save and load bit for bit.
 * About a minute and 4 GB of heap: runs only with {@code -Dmedclip.test.large=true}.
 */
@EnabledIfSystemProperty(named = "medclip.test.large", matches = "true")
class OnnxBaseSizeTest {
  @TempDir Path dir;

  @Test
  void baseSizedTowersExportAndMatchTheReference() throws Exception {
    ClipConfig base = ClipConfig.vitBasePatch32();
    StateDict sd = cheapRandom(base);
    Path img = dir.resolve("image-encoder.onnx");
    Path txt = dir.resolve("text-encoder.onnx");
    long t0 = System.nanoTime();
    OnnxExporter.exportImageEncoder(base, sd, img);
    OnnxExporter.exportTextEncoder(base, sd, txt);
    System.out.printf(
        "base export: %.1f s, image %d MB, text %d MB%n",
        (System.nanoTime() - t0) / 1e9, Files.size(img) >> 20, Files.size(txt) >> 20);
    ClipReference ref = new ClipReference(base, sd, TextPooling.FIRST_EOS);
    float[] px = TestWeights.pixels(base, 1, 3);
    long[][] ids = {{49406, 320, 1125, 539, 320, 2368, 49407, 49407, 49407}};
    try (OrtRunner i = OrtRunner.of(img);
        OrtRunner t = OrtRunner.of(txt)) {
      double ei = TestWeights.maxAbsDiff(i.images(px, 1, 224), ref.embedImages(px, 1));
      double et = TestWeights.maxAbsDiff(t.texts(ids), ref.embedTexts(ids));
      System.out.printf("ORT vs reference, base size: image %.3g, text %.3g%n", ei, et);
      assertTrue(ei < 1e-4 && et < 1e-4, ei + " / " + et);
    }
  }

  @Test
  void baseSizedHfRoundTripIsBitwise() throws Exception {
    ClipConfig base = ClipConfig.vitBasePatch32();
    StateDict sd = cheapRandom(base);
    long t0 = System.nanoTime();
    HfCheckpoint.save(base, sd, dir);
    HfCheckpoint.Imported back = HfCheckpoint.load(dir);
    System.out.printf(
        "base HF save + load: %.1f s, %d MB%n",
        (System.nanoTime() - t0) / 1e9, Files.size(dir.resolve("model.safetensors")) >> 20);
    assertEquals(base, back.config());
    for (Map.Entry<String, NamedTensor> e : sd.asMap().entrySet()) {
      assertArrayEquals(e.getValue().data(), back.weights().get(e.getKey()).data(), e.getKey());
    }
  }

  /** Uniform values with the variance TestWeights uses, from a fast LCG (151 M values). */
  private static StateDict cheapRandom(ClipConfig config) {
    StateDict sd = new StateDict();
    long state = 12345;
    for (Map.Entry<String, long[]> e : HfKeys.expectedShapes(config).entrySet()) {
      String key = e.getKey();
      long[] shape = e.getValue();
      float[] data = new float[(int) HfKeys.numel(shape)];
      double mean = 0;
      double amp;
      if (key.equals("logit_scale")) {
        mean = 2.6592;
        amp = 0;
      } else if ((key.contains("norm") || key.contains("layrnorm")) && key.endsWith(".weight")) {
        mean = 1;
        amp = 0.2;
      } else if (key.endsWith(".bias")) {
        amp = 0.1;
      } else if (shape.length == 2 && !key.contains("embedding")) {
        amp = 1 / Math.sqrt(shape[1]);
      } else if (shape.length == 4) {
        amp = 1 / Math.sqrt(shape[1] * shape[2] * shape[3]);
      } else {
        amp = 0.5;
      }
      amp *= Math.sqrt(3); // uniform [-a, a] has standard deviation a / sqrt 3
      for (int i = 0; i < data.length; i++) {
        state = state * 6364136223846793005L + 1442695040888963407L;
        double u = ((state >>> 11) * 0x1.0p-53) * 2 - 1;
        data[i] = (float) (mean + amp * u);
      }
      sd.put(key, new NamedTensor(shape.clone(), data));
    }
    return sd;
  }
}
