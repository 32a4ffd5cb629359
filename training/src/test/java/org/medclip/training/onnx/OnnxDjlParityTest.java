package org.medclip.training.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.medclip.clip.ClipConfig;
import org.medclip.training.hf.HfKeys;
import org.medclip.training.model.ClipModel;
import org.medclip.training.train.AdamW;
import org.medclip.training.train.ClipTrainer;
import org.medclip.training.train.LearningRateSchedule;
import org.medclip.training.weights.NamedTensor;
import org.medclip.training.weights.StateDict;

/**
 * The exported ONNX graphs compute what the DJL model computes: tiny config, batch sizes 1 and 7,
 * images and texts of several lengths (with padding and extra EOS after the first EOS), for random
 * weights, for the weights after real training steps, and for deterministically perturbed weights.
 */
class OnnxDjlParityTest {
  static final ClipConfig TINY = ClipConfig.tiny();
  static final double TOL = 1e-4;

  static ClipModel model;

  @BeforeAll
  static void createModel() {
    model = ClipModel.create(TINY);
  }

  @AfterAll
  static void close() {
    if (model != null) {
      model.close();
    }
  }

  @Test
  void randomWeights() throws OrtException {
    model.loadStateDict(TestWeights.random(TINY, 21));
    assertParity("random weights");
  }

  @Test
  void hfInitialisedWeights() throws OrtException {
    model.initialize(3);
    assertParity("HF init (seed 3)");
  }

  @Test
  void afterTrainingSteps() throws OrtException {
    model.loadStateDict(TestWeights.random(TINY, 22));
    StateDict before = model.toStateDict();
    ClipTrainer.Options options =
        new ClipTrainer.Options(
            LearningRateSchedule.constant(3e-3), AdamW.Settings.torchDefaults(), 1.0);
    try (ClipTrainer trainer = new ClipTrainer(model, options)) {
      for (int step = 0; step < 4; step++) {
        float[] px = TestWeights.pixels(TINY, 6, 500 + step);
        long[][] ids = TestWeights.ids(TINY, 6, 12, 500 + step);
        float loss = trainer.step(px, ids);
        assertTrue(Float.isFinite(loss), "loss " + loss);
      }
    }
    double moved = maxChange(before, model.toStateDict());
    assertTrue(moved > 1e-3, "training changed no weight noticeably: " + moved);
    assertParity("after 4 AdamW steps (max weight change " + String.format("%.3g", moved) + ")");
  }

  @Test
  void deterministicallyPerturbedWeights() throws OrtException {
    model.loadStateDict(TestWeights.perturbed(TestWeights.random(TINY, 23), 0.05, 7));
    assertParity("perturbed weights");
  }

  private static void assertParity(String what) throws OrtException {
    StateDict sd = model.toStateDict();
    HfKeys.validate(TINY, sd); // the DJL model's keys and shapes are HF's
    int s = TINY.vision().imageSize();
    double worstImage = 0;
    double worstText = 0;
    try (OrtRunner image = OrtRunner.of(OnnxExporter.imageEncoder(TINY, sd).toByteArray());
        OrtRunner text =
            OrtRunner.of(OnnxExporter.textEncoder(TINY, sd, TextPooling.FIRST_EOS).toByteArray())) {
      for (int n : new int[] {1, 7}) {
        float[] px = TestWeights.pixels(TINY, n, 40 + n);
        double err = TestWeights.maxAbsDiff(image.images(px, n, s), model.embedImages(px, n));
        worstImage = Math.max(worstImage, err);
        assertTrue(err < TOL, what + ": images, batch " + n + ": max abs " + err);

        for (int len : new int[] {TINY.text().maxPositions(), 9, 3}) {
          long[][] ids = TestWeights.ids(TINY, n, len, 60 + n * len);
          float[][] onnx = text.texts(ids);
          float[][] djl = model.embedTexts(ids);
          err = TestWeights.maxAbsDiff(onnx, djl);
          worstText = Math.max(worstText, err);
          assertTrue(err < TOL, what + ": texts, batch " + n + ", L=" + len + ": max abs " + err);
        }
      }
      // padding after the first EOS changes neither engine's result
      ClipConfig.TextConfig t = TINY.text();
      long[][] variants = {
        {t.bosTokenId(), 10, 11, 12, t.eosTokenId()},
        {t.bosTokenId(), 10, 11, 12, t.eosTokenId(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        {t.bosTokenId(), 10, 11, 12, t.eosTokenId(), 50, t.eosTokenId(), 97, 3},
      };
      float[][] base = model.embedTexts(new long[][] {variants[0]});
      for (long[] v : variants) {
        double dOnnx = TestWeights.maxAbsDiff(text.texts(new long[][] {v}), base);
        double dDjl = TestWeights.maxAbsDiff(model.embedTexts(new long[][] {v}), base);
        assertTrue(dOnnx < TOL && dDjl < TOL, Arrays.toString(v) + ": " + dOnnx + " / " + dDjl);
      }
    }
    System.out.printf(
        "ORT vs DJL (%s): images max abs %.3g, texts max abs %.3g%n", what, worstImage, worstText);
  }

  private static double maxChange(StateDict a, StateDict b) {
    double m = 0;
    for (var e : a.asMap().entrySet()) {
      NamedTensor x = e.getValue();
      float[] y = b.get(e.getKey()).data();
      for (int i = 0; i < y.length; i++) {
        m = Math.max(m, Math.abs(x.data()[i] - y[i]));
      }
    }
    return m;
  }
}
