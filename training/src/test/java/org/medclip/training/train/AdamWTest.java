package org.medclip.training.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.medclip.clip.ClipConfig;
import org.medclip.training.model.ClipModel;
import org.medclip.training.model.GradMode;
import org.medclip.training.model.HfKeyMap;
import org.medclip.training.model.TestEngine;
import org.medclip.training.weights.StateDict;

class AdamWTest {

  @BeforeAll
  static void engine() {
    TestEngine.singleThreaded();
  }

  @Test
  void excludedParameterWithZeroGradientDoesNotMoveWhileDecayedWeightShrinks() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      Map<String, Parameter> params = new LinkedHashMap<>();
      params.put("w", param(m, "w", 1f, 2f));
      params.put("b", param(m, "b", 1f, 2f));
      try (AdamW adam = new AdamW(params, "w"::equals, new AdamW.Settings(0.9, 0.999, 1e-8, 0.5));
          NDManager scratch = m.newSubManager()) {
        Map<String, NDArray> grads = new LinkedHashMap<>();
        grads.put("w", scratch.zeros(new Shape(2)));
        grads.put("b", scratch.zeros(new Shape(2)));
        GradMode.off(() -> adam.update(grads, 0.1));
        // p *= 1 - lr * wd = 0.95; the Adam term is 0 / (0 + eps) = 0.
        assertArrayEquals(
            new float[] {0.95f, 1.9f}, params.get("w").getArray().toFloatArray(), 1e-7f);
        assertArrayEquals(new float[] {1f, 2f}, params.get("b").getArray().toFloatArray(), 0f);
        assertEquals(1, adam.stepCount());
      }
    }
  }

  @Test
  void matchesTorchAdamWFormulaOverSeveralSteps() {
    double lr = 0.01;
    double b1 = 0.9;
    double b2 = 0.999;
    double eps = 1e-8;
    double wd = 0.1;
    float[][] gradients = {{0.5f, -2f}, {0.1f, -1f}, {-0.3f, 0f}};
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      Map<String, Parameter> params = Map.of("w", param(m, "w", 1f, -1f));
      try (AdamW adam = new AdamW(params, k -> true, new AdamW.Settings(b1, b2, eps, wd))) {
        double[] p = {1, -1};
        double[] mm = new double[2];
        double[] vv = new double[2];
        for (int t = 1; t <= gradients.length; t++) {
          float[] g = gradients[t - 1];
          try (NDManager scratch = m.newSubManager()) {
            NDArray ga = scratch.create(g);
            GradMode.off(() -> adam.update(Map.of("w", ga), lr));
          }
          for (int i = 0; i < 2; i++) {
            p[i] *= 1 - lr * wd;
            mm[i] = b1 * mm[i] + (1 - b1) * g[i];
            vv[i] = b2 * vv[i] + (1 - b2) * g[i] * g[i];
            double mhat = mm[i] / (1 - Math.pow(b1, t));
            double denom = Math.sqrt(vv[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
            p[i] -= lr * mhat / denom;
          }
          float[] got = params.get("w").getArray().toFloatArray();
          assertEquals(p[0], got[0], 1e-6, "step " + t);
          assertEquals(p[1], got[1], 1e-6, "step " + t);
        }
        assertEquals(3, adam.stepCount());
        StateDict first = adam.firstMoments();
        assertEquals(mm[0], first.get("w").data()[0], 1e-7);
      }
    }
  }

  @Test
  void clipModelDecaysOnlyLinearAndConvWeights() {
    ClipConfig tiny = ClipConfig.tiny();
    try (ClipModel model = ClipModel.create(tiny)) {
      Map<String, HfKeyMap.Entry> spec = HfKeyMap.byKey(tiny);
      StateDict before = model.toStateDict();
      try (AdamW adam =
              new AdamW(
                  model.parameters(),
                  k -> spec.get(k).kind().decayed(),
                  new AdamW.Settings(0.9, 0.98, 1e-6, 0.2));
          NDManager scratch = model.manager().newSubManager()) {
        Map<String, NDArray> zeroGrads = new LinkedHashMap<>();
        model
            .parameters()
            .forEach((k, p) -> zeroGrads.put(k, scratch.zeros(p.getArray().getShape())));
        GradMode.off(() -> adam.update(zeroGrads, 0.5));
        assertTrue(adam.decayedNames().contains("text_model.encoder.layers.0.mlp.fc1.weight"));
        assertTrue(adam.decayedNames().contains("vision_model.embeddings.patch_embedding.weight"));
        for (String k :
            new String[] {
              "text_model.embeddings.token_embedding.weight",
              "text_model.embeddings.position_embedding.weight",
              "vision_model.embeddings.class_embedding",
              "vision_model.embeddings.position_embedding.weight",
              "vision_model.pre_layrnorm.weight",
              "text_model.encoder.layers.1.self_attn.q_proj.bias",
              "logit_scale"
            }) {
          assertFalse(adam.decayedNames().contains(k), k);
        }
      }
      StateDict after = model.toStateDict();
      for (HfKeyMap.Entry e : HfKeyMap.entries(tiny)) {
        float[] b = before.get(e.key()).data();
        float[] a = after.get(e.key()).data();
        if (e.kind().decayed()) {
          for (int i = 0; i < b.length; i++) {
            assertEquals(b[i] * 0.9f, a[i], 1e-6f, e.key()); // 1 - lr * wd = 0.9
          }
        } else {
          assertArrayEquals(b, a, 0f, e.key());
        }
      }
    }
  }

  private static Parameter param(NDManager m, String name, float... values) {
    Parameter p =
        Parameter.builder()
            .setName(name)
            .setType(Parameter.Type.WEIGHT)
            .optShape(new Shape(values.length))
            .optInitializer(Initializer.ZEROS)
            .build();
    p.initialize(m, DataType.FLOAT32);
    GradMode.off(() -> p.getArray().set(values));
    return p;
  }
}
