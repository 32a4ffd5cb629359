package org.medclip.training.model;

import org.medclip.clip.ClipConfig;
import org.medclip.training.weights.StateDict;

/**
 * A deliberately naive, double-precision CLIP forward written straight from CLIP-REFERENCE §2 (one
 * image or one text at a time, plain loops), used as the independent oracle for the DJL model.
 * Reads HF-keyed weights from a {@link StateDict}.
 */
final class ReferenceClip {
  private final ClipConfig cfg;
  private final StateDict sd;

  ReferenceClip(ClipConfig cfg, StateDict sd) {
    this.cfg = cfg;
    this.sd = sd;
  }

  /** One image [3, S, S] channels-first -> L2-normalised embedding. */
  double[] image(float[] chw, int offset) {
    ClipConfig.VisionConfig v = cfg.vision();
    int s = v.imageSize();
    int p = v.patchSize();
    int g = v.gridSize();
    int e = v.hiddenSize();
    float[] conv = w("vision_model.embeddings.patch_embedding.weight"); // [E,3,p,p]
    float[] cls = w("vision_model.embeddings.class_embedding");
    float[] pos = w("vision_model.embeddings.position_embedding.weight");
    double[][] x = new double[g * g + 1][e];
    for (int k = 0; k < e; k++) {
      x[0][k] = cls[k] + pos[k];
    }
    for (int r = 0; r < g; r++) {
      for (int c = 0; c < g; c++) {
        int t = 1 + r * g + c;
        for (int k = 0; k < e; k++) {
          double acc = 0;
          for (int ch = 0; ch < 3; ch++) {
            for (int ky = 0; ky < p; ky++) {
              for (int kx = 0; kx < p; kx++) {
                double wv = conv[((k * 3 + ch) * p + ky) * p + kx];
                double px = chw[offset + (ch * s + r * p + ky) * s + c * p + kx];
                acc += wv * px;
              }
            }
          }
          x[t][k] = acc + pos[t * e + k];
        }
      }
    }
    x = layerNorm(x, "vision_model.pre_layrnorm", v.layerNormEps());
    for (int i = 0; i < v.numLayers(); i++) {
      x =
          layer(
              x,
              "vision_model.encoder.layers." + i + ".",
              v.numHeads(),
              false,
              v.hiddenAct(),
              v.layerNormEps());
    }
    double[][] pooled =
        layerNorm(new double[][] {x[0]}, "vision_model.post_layernorm", v.layerNormEps());
    return normalise(linear(pooled, "visual_projection", false)[0]);
  }

  /** One row of token ids -> L2-normalised embedding pooled at the first EOS. */
  double[] text(long[] ids) {
    ClipConfig.TextConfig t = cfg.text();
    int e = t.hiddenSize();
    float[] tok = w("text_model.embeddings.token_embedding.weight");
    float[] pos = w("text_model.embeddings.position_embedding.weight");
    double[][] h = new double[ids.length][e];
    for (int i = 0; i < ids.length; i++) {
      for (int k = 0; k < e; k++) {
        h[i][k] = tok[(int) ids[i] * e + k] + pos[i * e + k];
      }
    }
    for (int i = 0; i < t.numLayers(); i++) {
      h =
          layer(
              h,
              "text_model.encoder.layers." + i + ".",
              t.numHeads(),
              true,
              t.hiddenAct(),
              t.layerNormEps());
    }
    h = layerNorm(h, "text_model.final_layer_norm", t.layerNormEps());
    int at = 0;
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] == t.eosTokenId()) {
        at = i;
        break;
      }
    }
    return normalise(linear(new double[][] {h[at]}, "text_projection", false)[0]);
  }

  private double[][] layer(
      double[][] x, String prefix, int heads, boolean causal, String act, double eps) {
    int n = x.length;
    int e = x[0].length;
    int d = e / heads;
    double[][] h = layerNorm(x, prefix + "layer_norm1", eps);
    double[][] q = linear(h, prefix + "self_attn.q_proj", true);
    double[][] k = linear(h, prefix + "self_attn.k_proj", true);
    double[][] v = linear(h, prefix + "self_attn.v_proj", true);
    double[][] ctx = new double[n][e];
    for (int hd = 0; hd < heads; hd++) {
      for (int i = 0; i < n; i++) {
        double[] scores = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        int last = causal ? i : n - 1;
        for (int j = 0; j <= last; j++) {
          double dot = 0;
          for (int c = 0; c < d; c++) {
            dot += q[i][hd * d + c] * k[j][hd * d + c];
          }
          scores[j] = dot / Math.sqrt(d);
          max = Math.max(max, scores[j]);
        }
        double sum = 0;
        for (int j = 0; j <= last; j++) {
          scores[j] = Math.exp(scores[j] - max);
          sum += scores[j];
        }
        for (int j = 0; j <= last; j++) {
          for (int c = 0; c < d; c++) {
            ctx[i][hd * d + c] += scores[j] / sum * v[j][hd * d + c];
          }
        }
      }
    }
    double[][] attn = linear(ctx, prefix + "self_attn.out_proj", true);
    double[][] r = new double[n][e];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < e; c++) {
        r[i][c] = x[i][c] + attn[i][c];
      }
    }
    double[][] m = linear(layerNorm(r, prefix + "layer_norm2", eps), prefix + "mlp.fc1", true);
    for (double[] row : m) {
      for (int c = 0; c < row.length; c++) {
        double z = row[c];
        row[c] =
            "quick_gelu".equals(act)
                ? z / (1 + Math.exp(-1.702 * z))
                : 0.5 * z * (1 + erf(z / Math.sqrt(2)));
      }
    }
    m = linear(m, prefix + "mlp.fc2", true);
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < e; c++) {
        r[i][c] += m[i][c];
      }
    }
    return r;
  }

  private double[][] linear(double[][] x, String name, boolean bias) {
    float[] wt = w(name + ".weight");
    int in = x[0].length;
    int out = wt.length / in;
    float[] b = bias ? w(name + ".bias") : null;
    double[][] y = new double[x.length][out];
    for (int i = 0; i < x.length; i++) {
      for (int o = 0; o < out; o++) {
        double acc = b == null ? 0 : b[o];
        for (int c = 0; c < in; c++) {
          acc += wt[o * in + c] * x[i][c];
        }
        y[i][o] = acc;
      }
    }
    return y;
  }

  private double[][] layerNorm(double[][] x, String name, double eps) {
    float[] g = w(name + ".weight");
    float[] b = w(name + ".bias");
    double[][] y = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      int e = x[i].length;
      double mean = 0;
      for (double z : x[i]) {
        mean += z;
      }
      mean /= e;
      double var = 0;
      for (double z : x[i]) {
        var += (z - mean) * (z - mean);
      }
      var /= e;
      y[i] = new double[e];
      for (int c = 0; c < e; c++) {
        y[i][c] = (x[i][c] - mean) / Math.sqrt(var + eps) * g[c] + b[c];
      }
    }
    return y;
  }

  private static double[] normalise(double[] x) {
    double n = 0;
    for (double z : x) {
      n += z * z;
    }
    n = Math.sqrt(n);
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = x[i] / n;
    }
    return y;
  }

  /** erf by its Maclaurin series (|x| < 6; error well below 1e-9 there), saturating beyond. */
  static double erf(double x) {
    if (Math.abs(x) >= 6) {
      return Math.signum(x);
    }
    if (Math.abs(x) > 3) {
      // Continued fraction for erfc at larger |x| (converges fast there).
      double ax = Math.abs(x);
      double f = 0;
      for (int k = 60; k >= 1; k--) {
        f = k / 2.0 / (ax + f);
      }
      double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
      return Math.signum(x) * (1 - erfc);
    }
    double sum = 0;
    double term = x;
    for (int n = 0; n < 200; n++) {
      sum += term / (2 * n + 1);
      term *= -x * x / (n + 1);
    }
    return 2 / Math.sqrt(Math.PI) * sum;
  }

  private float[] w(String key) {
    return sd.get(key).data();
  }
}
