package org.medclip.training.onnx;

import org.medclip.clip.ClipConfig;
import org.medclip.training.weights.StateDict;

/**
 * HF {@code CLIPModel} forward written out with plain loops in double precision, straight from
 * CLIP-REFERENCE.md §2 — an oracle that shares no code with the ONNX graph or the DJL model.
 * Weights are read in HF layouts (Linear [out, in], Conv [out, in, kh, kw]).
 */
public final class ClipReference {
  private final ClipConfig config;
  private final StateDict w;
  private final TextPooling pooling;

  public ClipReference(ClipConfig config, StateDict weights, TextPooling pooling) {
    this.config = config;
    this.w = weights;
    this.pooling = pooling;
  }

  /** L2-normalised image embeddings of n channels-first [3, S, S] images. */
  public double[][] embedImages(float[] chw, int n) {
    ClipConfig.VisionConfig v = config.vision();
    int s = v.imageSize();
    int p = v.patchSize();
    int g = v.gridSize();
    int e = v.hiddenSize();
    int c = v.numChannels();
    float[] conv = f("vision_model.embeddings.patch_embedding.weight");
    float[] cls = f("vision_model.embeddings.class_embedding");
    float[] pos = f("vision_model.embeddings.position_embedding.weight");
    double[][] out = new double[n][];
    for (int b = 0; b < n; b++) {
      int base = b * c * s * s;
      double[][] x = new double[g * g + 1][e];
      for (int k = 0; k < e; k++) {
        x[0][k] = cls[k];
      }
      for (int gy = 0; gy < g; gy++) {
        for (int gx = 0; gx < g; gx++) {
          double[] row = x[1 + gy * g + gx];
          for (int k = 0; k < e; k++) {
            double acc = 0;
            for (int ch = 0; ch < c; ch++) {
              for (int ky = 0; ky < p; ky++) {
                for (int kx = 0; kx < p; kx++) {
                  acc +=
                      conv[((k * c + ch) * p + ky) * p + kx]
                          * chw[base + (ch * s + gy * p + ky) * s + gx * p + kx];
                }
              }
            }
            row[k] = acc;
          }
        }
      }
      for (int t = 0; t < x.length; t++) {
        for (int k = 0; k < e; k++) {
          x[t][k] += pos[t * e + k];
        }
        x[t] = layerNorm(x[t], "vision_model.pre_layrnorm", v.layerNormEps());
      }
      for (int l = 0; l < v.numLayers(); l++) {
        x =
            layer(
                x,
                "vision_model.encoder.layers." + l,
                v.numHeads(),
                v.hiddenAct(),
                v.layerNormEps(),
                false);
      }
      double[] pooled = layerNorm(x[0], "vision_model.post_layernorm", v.layerNormEps());
      out[b] = normalise(matVec("visual_projection.weight", null, pooled));
    }
    return out;
  }

  /** L2-normalised text embeddings of rows of token ids (all rows the same length). */
  public double[][] embedTexts(long[][] ids) {
    ClipConfig.TextConfig t = config.text();
    int e = t.hiddenSize();
    float[] tok = f("text_model.embeddings.token_embedding.weight");
    float[] pos = f("text_model.embeddings.position_embedding.weight");
    double[][] out = new double[ids.length][];
    for (int b = 0; b < ids.length; b++) {
      int len = ids[b].length;
      double[][] x = new double[len][e];
      for (int i = 0; i < len; i++) {
        int id = (int) ids[b][i];
        for (int k = 0; k < e; k++) {
          x[i][k] = tok[id * e + k] + pos[i * e + k];
        }
      }
      for (int l = 0; l < t.numLayers(); l++) {
        x =
            layer(
                x,
                "text_model.encoder.layers." + l,
                t.numHeads(),
                t.hiddenAct(),
                t.layerNormEps(),
                true);
      }
      int at = poolIndex(ids[b]);
      double[] pooled = layerNorm(x[at], "text_model.final_layer_norm", t.layerNormEps());
      out[b] = normalise(matVec("text_projection.weight", null, pooled));
    }
    return out;
  }

  /** The position the text embedding is read from. */
  public int poolIndex(long[] row) {
    int at = 0;
    if (pooling == TextPooling.FIRST_EOS) {
      for (int i = 0; i < row.length; i++) {
        if (row[i] == config.text().eosTokenId()) {
          return i;
        }
      }
      return 0;
    }
    for (int i = 1; i < row.length; i++) {
      if (row[i] > row[at]) {
        at = i;
      }
    }
    return at;
  }

  private double[][] layer(
      double[][] x, String p, int heads, String act, double eps, boolean causal) {
    int len = x.length;
    int e = x[0].length;
    int hd = e / heads;
    double[][] q = new double[len][];
    double[][] k = new double[len][];
    double[][] v = new double[len][];
    for (int i = 0; i < len; i++) {
      double[] h = layerNorm(x[i], p + ".layer_norm1", eps);
      q[i] = matVec(p + ".self_attn.q_proj.weight", p + ".self_attn.q_proj.bias", h);
      k[i] = matVec(p + ".self_attn.k_proj.weight", p + ".self_attn.k_proj.bias", h);
      v[i] = matVec(p + ".self_attn.v_proj.weight", p + ".self_attn.v_proj.bias", h);
    }
    double scale = Math.pow(hd, -0.5);
    double[][] ctx = new double[len][e];
    for (int head = 0; head < heads; head++) {
      int off = head * hd;
      for (int i = 0; i < len; i++) {
        int visible = causal ? i + 1 : len;
        double[] score = new double[visible];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < visible; j++) {
          double dot = 0;
          for (int d = 0; d < hd; d++) {
            dot += q[i][off + d] * k[j][off + d];
          }
          score[j] = dot * scale;
          max = Math.max(max, score[j]);
        }
        double sum = 0;
        for (int j = 0; j < visible; j++) {
          score[j] = Math.exp(score[j] - max);
          sum += score[j];
        }
        for (int j = 0; j < visible; j++) {
          double a = score[j] / sum;
          for (int d = 0; d < hd; d++) {
            ctx[i][off + d] += a * v[j][off + d];
          }
        }
      }
    }
    double[][] out = new double[len][];
    for (int i = 0; i < len; i++) {
      double[] attn =
          matVec(p + ".self_attn.out_proj.weight", p + ".self_attn.out_proj.bias", ctx[i]);
      double[] r = new double[e];
      for (int d = 0; d < e; d++) {
        r[d] = x[i][d] + attn[d];
      }
      double[] h = layerNorm(r, p + ".layer_norm2", eps);
      double[] f = matVec(p + ".mlp.fc1.weight", p + ".mlp.fc1.bias", h);
      for (int d = 0; d < f.length; d++) {
        f[d] = activation(f[d], act);
      }
      double[] f2 = matVec(p + ".mlp.fc2.weight", p + ".mlp.fc2.bias", f);
      for (int d = 0; d < e; d++) {
        r[d] += f2[d];
      }
      out[i] = r;
    }
    return out;
  }

  static double activation(double x, String act) {
    if ("quick_gelu".equals(act)) {
      return x / (1 + Math.exp(-1.702 * x));
    }
    return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
  }

  /** erf by its Taylor series / continued fraction, accurate to ~1e-15 for |x| < 6. */
  static double erf(double x) {
    double ax = Math.abs(x);
    double r;
    if (ax < 2.5) {
      double term = ax;
      double sum = ax;
      double x2 = ax * ax;
      for (int n = 1; n < 200; n++) {
        term *= -x2 / n;
        double add = term / (2 * n + 1);
        sum += add;
        if (Math.abs(add) < 1e-17) {
          break;
        }
      }
      r = 2 / Math.sqrt(Math.PI) * sum;
    } else {
      // erfc continued fraction (Lentz), converges well for x >= 2.5
      double tiny = 1e-300;
      double f = ax;
      double c = ax;
      double d = 0;
      for (int n = 1; n < 300; n++) {
        double an = n / 2.0;
        d = ax + an * d;
        d = Math.abs(d) < tiny ? tiny : d;
        c = ax + an / c;
        c = Math.abs(c) < tiny ? tiny : c;
        d = 1 / d;
        double delta = c * d;
        f *= delta;
        if (Math.abs(delta - 1) < 1e-16) {
          break;
        }
      }
      r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
    }
    return x < 0 ? -r : r;
  }

  private double[] layerNorm(double[] x, String prefix, double eps) {
    float[] g = f(prefix + ".weight");
    float[] b = f(prefix + ".bias");
    double mean = 0;
    for (double v : x) {
      mean += v;
    }
    mean /= x.length;
    double var = 0;
    for (double v : x) {
      var += (v - mean) * (v - mean);
    }
    var /= x.length;
    double inv = 1 / Math.sqrt(var + eps);
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = (x[i] - mean) * inv * g[i] + b[i];
    }
    return y;
  }

  /** W x (+ b) with W [out, in] row-major. */
  private double[] matVec(String weight, String bias, double[] x) {
    float[] wt = f(weight);
    int in = x.length;
    int out = wt.length / in;
    float[] b = bias == null ? null : f(bias);
    double[] y = new double[out];
    for (int o = 0; o < out; o++) {
      double acc = b == null ? 0 : b[o];
      for (int i = 0; i < in; i++) {
        acc += wt[o * in + i] * x[i];
      }
      y[o] = acc;
    }
    return y;
  }

  private static double[] normalise(double[] x) {
    double n = 0;
    for (double v : x) {
      n += v * v;
    }
    n = Math.sqrt(n);
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = x[i] / n;
    }
    return y;
  }

  private float[] f(String key) {
    return w.get(key).data();
  }
}
