package org.medclip.training.onnx;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.medclip.clip.ClipConfig;
import org.medclip.training.hf.HfKeys;
import org.medclip.training.weights.NamedTensor;
import org.medclip.training.weights.StateDict;

/**
 * Deterministic random weights and inputs for tests. Unlike HF's init, biases and LayerNorm
 * parameters are random too, so a graph that drops or misplaces any of them fails.
 */
public final class TestWeights {
  private TestWeights() {}

  /** Every tensor of {@link HfKeys#expectedShapes}, values from {@code new Random(seed)}. */
  public static StateDict random(ClipConfig config, long seed) {
    Random r = new Random(seed);
    StateDict sd = new StateDict();
    for (Map.Entry<String, long[]> e : HfKeys.expectedShapes(config).entrySet()) {
      String key = e.getKey();
      long[] shape = e.getValue();
      float[] data = new float[(int) HfKeys.numel(shape)];
      boolean norm = key.contains("norm") || key.contains("layrnorm");
      double std;
      double mean = 0;
      if (key.equals("logit_scale")) {
        std = 0;
        mean = config.logitScaleInit();
      } else if (norm && key.endsWith(".weight")) {
        mean = 1;
        std = 0.2;
      } else if (key.endsWith(".bias")) {
        std = 0.1;
      } else if (shape.length == 2 && key.contains("_proj") || key.contains("fc")) {
        std = 1 / Math.sqrt(shape[1]); // Linear [out, in]
      } else if (shape.length == 4) {
        std = 1 / Math.sqrt(shape[1] * shape[2] * shape[3]); // Conv [out, in, kh, kw]
      } else {
        std = 0.5; // embeddings, class token, projections without "_proj"
      }
      if (key.endsWith("projection.weight")) {
        std = 1 / Math.sqrt(shape[1]);
      }
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) (mean + std * r.nextGaussian());
      }
      sd.put(key, new NamedTensor(shape.clone(), data));
    }
    return sd;
  }

  /** A copy of {@code sd} with every value v replaced by v + amplitude * sin(seed + index). */
  public static StateDict perturbed(StateDict sd, double amplitude, long seed) {
    StateDict out = new StateDict();
    long k = seed;
    for (Map.Entry<String, NamedTensor> e : sd.asMap().entrySet()) {
      float[] d = e.getValue().data().clone();
      for (int i = 0; i < d.length; i++) {
        d[i] += (float) (amplitude * Math.sin(k++ * 0.7));
      }
      out.put(e.getKey(), new NamedTensor(e.getValue().shape().clone(), d));
    }
    return out;
  }

  /** n images [3, S, S] channels first, concatenated, roughly CLIP-normalised values. */
  public static float[] pixels(ClipConfig config, int n, long seed) {
    int s = config.vision().imageSize();
    Random r = new Random(seed);
    float[] px = new float[n * 3 * s * s];
    for (int i = 0; i < px.length; i++) {
      px[i] = (float) (r.nextGaussian() * 1.2);
    }
    return px;
  }

  /**
   * n rows of length len: a BOS, random ordinary tokens, the EOS at a row-dependent position, then
   * padding (pad id, EOS and random ids mixed, to prove they are ignored). Ordinary tokens avoid
   * the special ids.
   */
  public static long[][] ids(ClipConfig config, int n, int len, long seed) {
    ClipConfig.TextConfig t = config.text();
    Random r = new Random(seed);
    long[][] ids = new long[n][len];
    for (int i = 0; i < n; i++) {
      int eosAt = len == 1 ? 0 : 1 + r.nextInt(len - 1);
      if (len > 1) {
        ids[i][0] = t.bosTokenId();
      }
      for (int j = 1; j < eosAt; j++) {
        ids[i][j] = ordinary(t, r);
      }
      ids[i][eosAt] = t.eosTokenId();
      for (int j = eosAt + 1; j < len; j++) {
        int kind = r.nextInt(3);
        ids[i][j] = kind == 0 ? t.padTokenId() : kind == 1 ? t.eosTokenId() : ordinary(t, r);
      }
    }
    return ids;
  }

  static long ordinary(ClipConfig.TextConfig t, Random r) {
    while (true) {
      long id = r.nextInt(t.vocabSize());
      if (id != t.bosTokenId() && id != t.eosTokenId() && id != t.padTokenId()) {
        return id;
      }
    }
  }

  /** Rows copied, each cut or padded with the pad id to {@code len}. */
  public static long[][] resized(long[][] ids, int len, long pad) {
    long[][] out = new long[ids.length][];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Arrays.copyOf(ids[i], len);
      for (int j = ids[i].length; j < len; j++) {
        out[i][j] = pad;
      }
    }
    return out;
  }

  /** Largest |a - b| over all entries. */
  public static double maxAbsDiff(float[][] a, double[][] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i].length != b[i].length) {
        throw new AssertionError("row " + i + " lengths " + a[i].length + " vs " + b[i].length);
      }
      for (int j = 0; j < a[i].length; j++) {
        m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
      }
    }
    if (a.length != b.length) {
      throw new AssertionError("rows " + a.length + " vs " + b.length);
    }
    return m;
  }

  /** Largest |a - b| over all entries. */
  public static double maxAbsDiff(float[][] a, float[][] b) {
    double[][] bd = new double[b.length][];
    for (int i = 0; i < b.length; i++) {
      bd[i] = new double[b[i].length];
      for (int j = 0; j < b[i].length; j++) {
        bd[i][j] = b[i][j];
      }
    }
    return maxAbsDiff(a, bd);
  }
}
