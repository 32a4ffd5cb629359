package org.medclip.training.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.medclip.clip.ClipConfig;
import org.medclip.training.weights.NamedTensor;
import org.medclip.training.weights.StateDict;

class ClipModelTest {
  private static final ClipConfig TINY = ClipConfig.tiny();
  private static ClipModel model;

  @BeforeAll
  static void setUp() {
    TestEngine.singleThreaded();
    model = ClipModel.create(TINY);
  }

  @AfterAll
  static void tearDown() {
    model.close();
  }

  @Test
  void parametersAreNamedAndShapedByHfKeyMap() {
    Map<String, Parameter> params = model.parameters();
    List<HfKeyMap.Entry> entries = HfKeyMap.entries(TINY);
    assertEquals(entries.size(), params.size());
    // The block holds exactly these parameters (no hidden extras).
    assertEquals(entries.size(), model.block().getParameters().size());
    Iterator<HfKeyMap.Entry> it = entries.iterator();
    for (Map.Entry<String, Parameter> p : params.entrySet()) {
      HfKeyMap.Entry e = it.next();
      assertEquals(e.key(), p.getKey());
      assertEquals(e.key(), p.getValue().getName());
      assertArrayEquals(e.shape(), p.getValue().getArray().getShape().getShape(), e.key());
      assertTrue(p.getValue().getArray().hasGradient(), e.key());
    }
  }

  @Test
  void baseConfigBlockDeclares398ParametersWith151277313Values() {
    // Builds the DJL block structure only (parameters declared with shapes, no arrays allocated).
    ClipConfig base = ClipConfig.vitBasePatch32();
    ClipBlock block = new ClipBlock(base);
    Map<String, HfKeyMap.Entry> spec = HfKeyMap.byKey(base);
    assertEquals(398, block.getParameters().size());
    long total = 0;
    for (ai.djl.util.Pair<String, Parameter> p : block.getParameters()) {
      Parameter param = p.getValue();
      HfKeyMap.Entry e = spec.get(param.getName());
      assertTrue(e != null, "unexpected DJL parameter " + param.getName());
      assertArrayEquals(e.shape(), param.getShape().getShape(), param.getName());
      total += param.getShape().size();
    }
    assertEquals(151_277_313L, total);
    assertEquals(spec.keySet(), block.hfParameters().keySet());
  }

  @Test
  void stateDictHasHfKeysAndNoPositionIds() {
    StateDict sd = model.toStateDict();
    assertEquals(HfKeyMap.byKey(TINY).keySet(), sd.asMap().keySet());
    assertEquals(
        HfKeyMap.parameterCount(TINY),
        sd.asMap().values().stream().mapToLong(t -> t.data().length).sum());
    assertArrayEquals(new long[0], sd.get("logit_scale").shape());
    assertEquals(2.6592f, sd.get("logit_scale").data()[0], 1e-6);
  }

  @Test
  void initializationIsDeterministicAndFollowsHfDistributions() {
    try (ClipModel a = ClipModel.create(TINY, ai.djl.Device.cpu(), 7);
        ClipModel b = ClipModel.create(TINY, ai.djl.Device.cpu(), 7);
        ClipModel c = ClipModel.create(TINY, ai.djl.Device.cpu(), 8)) {
      StateDict sa = a.toStateDict();
      StateDict sb = b.toStateDict();
      StateDict sc = c.toStateDict();
      for (String key : sa.asMap().keySet()) {
        assertArrayEquals(sa.get(key).data(), sb.get(key).data(), key);
      }
      assertFalse(
          Arrays.equals(
              sa.get("text_projection.weight").data(), sc.get("text_projection.weight").data()));
      // LayerNorm 1/0, biases 0.
      for (float f : sa.get("vision_model.pre_layrnorm.weight").data()) {
        assertEquals(1f, f);
      }
      for (float f : sa.get("text_model.encoder.layers.1.mlp.fc1.bias").data()) {
        assertEquals(0f, f);
      }
    }
    // Sample standard deviations match HF's per-tensor std (10% band: >= 1,024 samples each).
    StateDict sd = model.toStateDict();
    Map<String, HfKeyMap.Entry> spec = HfKeyMap.byKey(TINY);
    for (String key :
        new String[] {
          "text_model.embeddings.token_embedding.weight",
          "vision_model.encoder.layers.0.self_attn.q_proj.weight",
          "vision_model.encoder.layers.1.mlp.fc1.weight",
          "text_model.encoder.layers.0.self_attn.out_proj.weight"
        }) {
      double std = spec.get(key).init();
      double sum2 = 0;
      float[] data = sd.get(key).data();
      for (float f : data) {
        sum2 += f * f;
      }
      assertEquals(std, Math.sqrt(sum2 / data.length), std * 0.1, key);
    }
  }

  @Test
  void embeddingsMatchIndependentReferenceImplementation() {
    check(TINY, model);
  }

  @Test
  void exactGeluVariantMatchesReference() {
    ClipConfig gelu =
        new ClipConfig(
            new ClipConfig.TextConfig(99, 32, 64, 2, 4, 16, "gelu", 1e-5, 1, 2, 0),
            new ClipConfig.VisionConfig(32, 64, 2, 4, 32, 8, 3, "gelu", 1e-5),
            24,
            2.6592);
    try (ClipModel m = ClipModel.create(gelu, ai.djl.Device.cpu(), 3)) {
      check(gelu, m);
    }
  }

  private static void check(ClipConfig cfg, ClipModel m) {
    ReferenceClip ref = new ReferenceClip(cfg, m.toStateDict());
    int n = 3;
    float[] pixels = randomPixels(cfg, n, 11);
    float[][] got = m.embedImages(pixels, n);
    int per = 3 * cfg.vision().imageSize() * cfg.vision().imageSize();
    for (int i = 0; i < n; i++) {
      assertClose(ref.image(pixels, i * per), got[i], 2e-5, "image " + i);
    }
    long[][] ids = {
      {1, 5, 9, 2, 0, 0, 0, 0},
      {1, 17, 2, 44, 2, 0, 0, 0}, // two EOS: the first one is pooled
      {1, 3, 4, 5, 6, 7, 8, 2},
      {1, 3, 4, 5, 6, 7, 8, 9}, // no EOS: position 0, as HF's argmax
    };
    float[][] text = m.embedTexts(ids);
    for (int i = 0; i < ids.length; i++) {
      assertClose(ref.text(ids[i]), text[i], 2e-5, "text " + i);
    }
  }

  @Test
  void embeddingsAreL2NormalisedRows() {
    float[][] img = model.embedImages(randomPixels(TINY, 2, 3), 2);
    float[][] txt = model.embedTexts(new long[][] {{1, 4, 2, 0}, {1, 2, 0, 0}});
    for (float[][] rows : new float[][][] {img, txt}) {
      for (float[] row : rows) {
        assertEquals(TINY.projectionDim(), row.length);
        double n = 0;
        for (float f : row) {
          n += f * f;
        }
        assertEquals(1.0, Math.sqrt(n), 1e-5);
      }
    }
  }

  @Test
  void textIsCausalAndIgnoresPaddingAfterEos() {
    float[][] a =
        model.embedTexts(new long[][] {{1, 5, 2, 0, 0, 0}, {1, 5, 2, 7, 8, 9}, {1, 6, 2, 0, 0, 0}});
    assertArrayEquals(a[0], a[1], 1e-6f); // tokens after the first EOS do not matter
    assertFalse(Arrays.equals(a[0], a[2])); // tokens before it do
    // Sequence length (amount of padding) does not matter either.
    float[][] shorter = model.embedTexts(new long[][] {{1, 5, 2}});
    assertArrayEquals(a[0], shorter[0], 1e-6f);
  }

  @Test
  void stateDictRoundTripReproducesEmbeddings() {
    float[] pixels = randomPixels(TINY, 2, 5);
    long[][] ids = {{1, 9, 8, 2}, {1, 2, 0, 0}};
    try (ClipModel other = ClipModel.create(TINY, ai.djl.Device.cpu(), 99)) {
      assertFalse(Arrays.equals(model.embedImages(pixels, 2)[0], other.embedImages(pixels, 2)[0]));
      StateDict sd = model.toStateDict();
      // HF checkpoints carry position_ids buffers: ignored.
      sd.put(
          "text_model.embeddings.position_ids", new NamedTensor(new long[] {1, 16}, new float[16]));
      other.loadStateDict(sd);
      assertArrayEquals(model.embedImages(pixels, 2)[1], other.embedImages(pixels, 2)[1], 0f);
      assertArrayEquals(model.embedTexts(ids)[0], other.embedTexts(ids)[0], 0f);
      StateDict back = other.toStateDict();
      for (String key : back.asMap().keySet()) {
        assertArrayEquals(model.toStateDict().get(key).data(), back.get(key).data(), key);
      }
    }
  }

  @Test
  void loadStateDictListsMissingAndUnexpectedKeys() {
    StateDict full = model.toStateDict();
    StateDict sd = new StateDict();
    for (Map.Entry<String, NamedTensor> e : full.asMap().entrySet()) {
      if (!e.getKey().equals("text_projection.weight") && !e.getKey().equals("logit_scale")) {
        sd.put(e.getKey(), e.getValue());
      }
    }
    sd.put("text_projection.bias", new NamedTensor(new long[] {24}, new float[24]));
    IllegalArgumentException ex =
        assertThrows(IllegalArgumentException.class, () -> model.loadStateDict(sd));
    assertTrue(ex.getMessage().contains("logit_scale"), ex.getMessage());
    assertTrue(ex.getMessage().contains("text_projection.weight"), ex.getMessage());
    assertTrue(ex.getMessage().contains("unexpected keys [text_projection.bias]"), ex.getMessage());
  }

  @Test
  void loadStateDictNamesKeyAndShapesOnMismatch() {
    StateDict full = model.toStateDict();
    StateDict sd = new StateDict();
    for (Map.Entry<String, NamedTensor> e : full.asMap().entrySet()) {
      sd.put(e.getKey(), e.getValue());
    }
    // Same element count, wrong layout: must still be rejected (copyTo would only check the count).
    sd.put("visual_projection.weight", new NamedTensor(new long[] {32, 24}, new float[32 * 24]));
    float before = model.toStateDict().get("text_projection.weight").data()[0];
    IllegalArgumentException ex =
        assertThrows(IllegalArgumentException.class, () -> model.loadStateDict(sd));
    assertTrue(
        ex.getMessage().contains("visual_projection.weight: expected [24, 32], got [32, 24]"),
        ex.getMessage());
    // Nothing was changed.
    assertEquals(before, model.toStateDict().get("text_projection.weight").data()[0]);
  }

  @Test
  void inputsAreValidated() {
    assertThrows(IllegalArgumentException.class, () -> model.embedImages(new float[10], 1));
    assertThrows(
        IllegalArgumentException.class, () -> model.embedTexts(new long[][] {{1, 2}, {1}}));
    assertThrows(
        IllegalArgumentException.class, () -> model.embedTexts(new long[][] {new long[17]}));
  }

  @Test
  void inferenceDoesNotLeakArrays() {
    model.embedImages(randomPixels(TINY, 2, 1), 2); // warm-up
    model.embedTexts(new long[][] {{1, 2}});
    int before = model.manager().getManagedArrays().size();
    for (int i = 0; i < 5; i++) {
      model.embedImages(randomPixels(TINY, 2, i), 2);
      model.embedTexts(new long[][] {{1, 4, 2}});
    }
    assertEquals(before, model.manager().getManagedArrays().size());
    assertNotEquals(0, before);
  }

  static float[] randomPixels(ClipConfig cfg, int n, long seed) {
    int s = cfg.vision().imageSize();
    float[] x = new float[n * 3 * s * s];
    Random r = new Random(seed);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }

  private static void assertClose(double[] expected, float[] actual, double tol, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], tol, what + " [" + i + "]");
    }
  }
}
