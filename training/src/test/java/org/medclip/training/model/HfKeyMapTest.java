package org.medclip.training.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.medclip.clip.ClipConfig;

class HfKeyMapTest {

  @Test
  void baseConfigHas398TensorsAnd151277313Parameters() {
    ClipConfig base = ClipConfig.vitBasePatch32();
    List<HfKeyMap.Entry> entries = HfKeyMap.entries(base);
    assertEquals(398, entries.size());
    assertEquals(151_277_313L, HfKeyMap.parameterCount(base));
    Set<String> keys = new HashSet<>();
    for (HfKeyMap.Entry e : entries) {
      assertTrue(keys.add(e.key()), "duplicate key " + e.key());
      assertFalse(HfKeyMap.isIgnoredKey(e.key()), e.key());
    }
  }

  @Test
  void baseConfigShapesMatchHuggingFace() {
    Map<String, HfKeyMap.Entry> m = HfKeyMap.byKey(ClipConfig.vitBasePatch32());
    shape(m, "text_model.embeddings.token_embedding.weight", 49408, 512);
    shape(m, "text_model.embeddings.position_embedding.weight", 77, 512);
    for (int i : new int[] {0, 11}) {
      String t = "text_model.encoder.layers." + i + ".";
      for (String p : new String[] {"q", "k", "v", "out"}) {
        shape(m, t + "self_attn." + p + "_proj.weight", 512, 512);
        shape(m, t + "self_attn." + p + "_proj.bias", 512);
      }
      shape(m, t + "layer_norm1.weight", 512);
      shape(m, t + "layer_norm1.bias", 512);
      shape(m, t + "mlp.fc1.weight", 2048, 512);
      shape(m, t + "mlp.fc1.bias", 2048);
      shape(m, t + "mlp.fc2.weight", 512, 2048);
      shape(m, t + "mlp.fc2.bias", 512);
      shape(m, t + "layer_norm2.weight", 512);
      shape(m, t + "layer_norm2.bias", 512);
      String v = "vision_model.encoder.layers." + i + ".";
      for (String p : new String[] {"q", "k", "v", "out"}) {
        shape(m, v + "self_attn." + p + "_proj.weight", 768, 768);
        shape(m, v + "self_attn." + p + "_proj.bias", 768);
      }
      shape(m, v + "layer_norm1.weight", 768);
      shape(m, v + "layer_norm2.bias", 768);
      shape(m, v + "mlp.fc1.weight", 3072, 768);
      shape(m, v + "mlp.fc1.bias", 3072);
      shape(m, v + "mlp.fc2.weight", 768, 3072);
      shape(m, v + "mlp.fc2.bias", 768);
    }
    shape(m, "text_model.final_layer_norm.weight", 512);
    shape(m, "text_model.final_layer_norm.bias", 512);
    shape(m, "vision_model.embeddings.class_embedding", 768);
    shape(m, "vision_model.embeddings.patch_embedding.weight", 768, 3, 32, 32);
    shape(m, "vision_model.embeddings.position_embedding.weight", 50, 768);
    shape(m, "vision_model.pre_layrnorm.weight", 768);
    shape(m, "vision_model.pre_layrnorm.bias", 768);
    shape(m, "vision_model.post_layernorm.weight", 768);
    shape(m, "vision_model.post_layernorm.bias", 768);
    shape(m, "visual_projection.weight", 512, 768);
    shape(m, "text_projection.weight", 512, 512);
    shape(m, "logit_scale");
    assertFalse(m.containsKey("vision_model.embeddings.patch_embedding.bias"));
    assertFalse(m.containsKey("visual_projection.bias"));
    assertFalse(m.containsKey("text_projection.bias"));
    assertFalse(m.containsKey("text_model.embeddings.position_ids"));
  }

  @Test
  void weightDecayAppliesOnlyToLinearAndConvWeights() {
    for (HfKeyMap.Entry e : HfKeyMap.entries(ClipConfig.vitBasePatch32())) {
      String k = e.key();
      boolean expected =
          (k.contains("_proj.weight")
                  || k.endsWith("_projection.weight")
                  || k.contains("mlp.fc")
                  || k.equals("vision_model.embeddings.patch_embedding.weight"))
              && k.endsWith(".weight");
      assertEquals(expected, e.kind().decayed(), k);
    }
  }

  @Test
  void initStandardDeviationsFollowHuggingFace() {
    Map<String, HfKeyMap.Entry> m = HfKeyMap.byKey(ClipConfig.vitBasePatch32());
    double textIn = Math.pow(512, -0.5) * Math.pow(24, -0.5);
    assertEquals(
        textIn, m.get("text_model.encoder.layers.3.self_attn.k_proj.weight").init(), 1e-15);
    assertEquals(textIn, m.get("text_model.encoder.layers.3.mlp.fc2.weight").init(), 1e-15);
    assertEquals(
        Math.pow(512, -0.5), m.get("text_model.encoder.layers.3.self_attn.out_proj.weight").init());
    assertEquals(Math.pow(1024, -0.5), m.get("text_model.encoder.layers.3.mlp.fc1.weight").init());
    assertEquals(
        Math.pow(1536, -0.5), m.get("vision_model.encoder.layers.0.mlp.fc1.weight").init());
    assertEquals(Math.pow(768, -0.5), m.get("vision_model.embeddings.class_embedding").init());
    assertEquals(0.02, m.get("vision_model.embeddings.patch_embedding.weight").init());
    assertEquals(0.02, m.get("text_model.embeddings.token_embedding.weight").init());
    assertEquals(Math.pow(768, -0.5), m.get("visual_projection.weight").init());
    assertEquals(Math.pow(512, -0.5), m.get("text_projection.weight").init());
    assertEquals(2.6592, m.get("logit_scale").init());
  }

  @Test
  void tinyConfigIsConsistent() {
    ClipConfig tiny = ClipConfig.tiny();
    // 2 + 2 layers x 16 + 2 (text), 3 + 2 + 2 x 16 + 2 (vision), 2 projections + logit scale.
    assertEquals(36 + 39 + 3, HfKeyMap.entries(tiny).size());
    shape(HfKeyMap.byKey(tiny), "vision_model.embeddings.position_embedding.weight", 17, 32);
  }

  private static void shape(Map<String, HfKeyMap.Entry> m, String key, long... dims) {
    assertTrue(m.containsKey(key), "missing " + key);
    assertArrayEquals(dims, m.get(key).shape(), key);
  }
}
