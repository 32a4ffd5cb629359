package org.medclip.training.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.medclip.clip.ClipConfig;
import org.medclip.training.onnx.TestWeights;
import org.medclip.training.weights.NamedTensor;
import org.medclip.training.weights.StateDict;

class HfKeysTest {

  @Test
  void baseConfigHasHfsTensorAndParameterCounts() {
    ClipConfig base = ClipConfig.vitBasePatch32();
    Map<String, long[]> shapes = HfKeys.expectedShapes(base);
    assertEquals(398, shapes.size());
    assertEquals(151_277_313L, HfKeys.parameterCount(base));
    assertFalse(shapes.containsKey("text_model.embeddings.position_ids"));
    assertFalse(shapes.containsKey("vision_model.embeddings.position_ids"));
  }

  @Test
  void baseShapesMatchClipReferenceSection3() {
    Map<String, long[]> s = HfKeys.expectedShapes(ClipConfig.vitBasePatch32());
    assertArrayEquals(
        new long[] {49408, 512}, s.get("text_model.embeddings.token_embedding.weight"));
    assertArrayEquals(
        new long[] {77, 512}, s.get("text_model.embeddings.position_embedding.weight"));
    assertArrayEquals(
        new long[] {512, 512}, s.get("text_model.encoder.layers.11.self_attn.out_proj.weight"));
    assertArrayEquals(new long[] {2048, 512}, s.get("text_model.encoder.layers.0.mlp.fc1.weight"));
    assertArrayEquals(new long[] {512, 2048}, s.get("text_model.encoder.layers.0.mlp.fc2.weight"));
    assertArrayEquals(new long[] {768}, s.get("vision_model.embeddings.class_embedding"));
    assertArrayEquals(
        new long[] {768, 3, 32, 32}, s.get("vision_model.embeddings.patch_embedding.weight"));
    assertArrayEquals(
        new long[] {50, 768}, s.get("vision_model.embeddings.position_embedding.weight"));
    assertArrayEquals(new long[] {768}, s.get("vision_model.pre_layrnorm.bias"));
    assertArrayEquals(
        new long[] {3072, 768}, s.get("vision_model.encoder.layers.5.mlp.fc1.weight"));
    assertArrayEquals(new long[] {768}, s.get("vision_model.encoder.layers.5.mlp.fc2.bias"));
    assertArrayEquals(new long[] {512, 768}, s.get("visual_projection.weight"));
    assertArrayEquals(new long[] {512, 512}, s.get("text_projection.weight"));
    assertArrayEquals(new long[0], s.get("logit_scale"));
  }

  @Test
  void orderFollowsPytorchNamedParameters() {
    List<String> keys = List.copyOf(HfKeys.expectedShapes(ClipConfig.tiny()).keySet());
    assertEquals("logit_scale", keys.get(0));
    assertEquals("text_model.embeddings.token_embedding.weight", keys.get(1));
    assertEquals("text_model.encoder.layers.0.self_attn.k_proj.weight", keys.get(3));
    assertEquals(
        "vision_model.embeddings.class_embedding",
        keys.get(keys.indexOf("text_model.final_layer_norm.bias") + 1));
    assertEquals("text_projection.weight", keys.get(keys.size() - 1));
  }

  @Test
  void validateListsEveryProblem() {
    ClipConfig tiny = ClipConfig.tiny();
    StateDict sd = TestWeights.random(tiny, 1);
    HfKeys.validate(tiny, sd);
    sd.put(
        "text_model.embeddings.position_ids", new NamedTensor(new long[] {1, 16}, new float[16]));
    HfKeys.validate(tiny, sd); // ignored buffer

    StateDict bad = new StateDict();
    sd.asMap()
        .forEach(
            (k, v) -> {
              if (!k.equals("logit_scale") && !k.equals("vision_model.post_layernorm.bias")) {
                bad.put(k, v);
              }
            });
    bad.put("clip.extra", new NamedTensor(new long[] {1}, new float[1]));
    bad.put("visual_projection.weight", new NamedTensor(new long[] {32, 24}, new float[768]));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> HfKeys.validate(tiny, bad));
    String m = e.getMessage();
    assertTrue(m.contains("2 missing keys"), m);
    assertTrue(m.contains("logit_scale") && m.contains("vision_model.post_layernorm.bias"), m);
    assertTrue(m.contains("1 unexpected keys: [clip.extra]"), m);
    assertTrue(m.contains("visual_projection.weight expected [24, 32] but got [32, 24]"), m);
  }
}
