package org.medclip.training.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medclip.clip.ClipConfig;
import org.medclip.training.onnx.ClipReference;
import org.medclip.training.onnx.TestWeights;
import org.medclip.training.onnx.TextPooling;
import org.medclip.training.weights.StateDict;

/**
 * Runs {@link HfTransformersParityTest#check} on a fixture made here in the layout that {@code
 * make_hf_fixture.py} writes (expected values from the double-precision reference instead of
 * transformers, a diff-style config.json without default-valued fields), so the Java half of the HF
 * parity check is exercised before the real fixture exists.
 */
class HfFixtureFormatTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void legacyEos2FixtureLayoutIsUnderstood() throws Exception {
    ClipConfig tiny = ClipConfig.tiny(); // eos 2: HF's legacy argmax rule applies
    StateDict sd = TestWeights.random(tiny, 77);
    Safetensors.write(sd, dir.resolve("model.safetensors"));
    ObjectNode config = HfCheckpoint.configJson(tiny);
    config.remove(HfCheckpoint.POOLING_MARKER); // transformers writes no marker
    ((ObjectNode) config.get("text_config")).remove("hidden_act"); // default-valued: omitted
    ((ObjectNode) config.get("vision_config")).remove("layer_norm_eps");
    config.put("dtype", "float32");
    Files.writeString(dir.resolve("config.json"), JSON.writeValueAsString(config));

    ClipReference ref = new ClipReference(tiny, sd, TextPooling.ARGMAX_IDS);
    ObjectNode expected = JSON.createObjectNode();
    expected.put("text_pooling", "ARGMAX_IDS");
    float[] px = TestWeights.pixels(tiny, 3, 1);
    ObjectNode pv = expected.putObject("pixel_values");
    pv.putArray("shape").add(3).add(3).add(32).add(32);
    ArrayNode data = pv.putArray("data");
    for (float v : px) {
      data.add(v);
    }
    put(expected.putArray("image_embeds"), ref.embedImages(px, 3));
    ArrayNode texts = expected.putArray("texts");

    long[][] clipLike = {{1, 40, 41, 98, 0, 2, 0}, {1, 98, 2, 2, 2, 2, 2}};
    long[][] noLargest = {{1, 40, 2, 0, 0}, {1, 50, 60, 2, 70}};
    for (long[][] ids : new long[][][] {clipLike, noLargest}) {
      ObjectNode b = texts.addObject();
      b.put("kind", ids == clipLike ? "clip_like" : "no_largest_id");
      b.put("contains_largest_id", ids == clipLike);
      ArrayNode rows = b.putArray("input_ids");
      for (long[] r : ids) {
        ArrayNode row = rows.addArray();
        for (long v : r) {
          row.add(v);
        }
      }
      put(b.putArray("text_embeds"), ref.embedTexts(ids));
    }
    Files.writeString(dir.resolve("expected.json"), JSON.writeValueAsString(expected));

    HfTransformersParityTest.check(dir, "synthetic legacy-eos2");
  }

  private static void put(ArrayNode target, double[][] rows) {
    for (double[] r : rows) {
      ArrayNode row = target.addArray();
      for (double v : r) {
        row.add((float) v);
      }
    }
  }
}
