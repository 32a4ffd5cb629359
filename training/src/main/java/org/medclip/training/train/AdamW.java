package org.medclip.training.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.medclip.training.weights.NamedTensor;
import org.medclip.training.weights.StateDict;

/**
 * AdamW ({@code torch.optim.AdamW}, no amsgrad) over named parameters, with decoupled weight decay
 * applied only to the parameters selected by a predicate (for CLIP: Linear/Conv weights, not
 * biases, norms, embeddings or the logit scale, see {@link
 * org.medclip.training.model.HfKeyMap.Kind#decayed()}).
 *
 * <p>Per update with learning rate {@code lr} and step {@code t} (1-based after increment):
 *
 * <pre>
 * p *= 1 - lr * weight_decay                        (decayed parameters only)
 * m  = beta1 m + (1 - beta1) g
 * v  = beta2 v + (1 - beta2) g^2
 * p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 *
 * Moments are float32 arrays created once (zeros) in a sub-manager of the parameters' manager.
 * Updates are in place and must run with autograd off.
 */
public final class AdamW implements AutoCloseable {

  /**
   * Hyper-parameters.
   *
   * @param beta1 first-moment decay
   * @param beta2 second-moment decay
   * @param epsilon added to the bias-corrected RMS
   * @param weightDecay decoupled decay coefficient (multiplied by the learning rate)
   */
  public record Settings(double beta1, double beta2, double epsilon, double weightDecay) {
    public Settings {
      if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
        throw new IllegalArgumentException("betas must be in [0, 1): " + beta1 + ", " + beta2);
      }
      if (!(epsilon > 0) || !(weightDecay >= 0)) {
        throw new IllegalArgumentException("need epsilon > 0 and weightDecay >= 0");
      }
    }

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
    public static Settings torchDefaults() {
      return new Settings(0.9, 0.999, 1e-8, 0.01);
    }

    /** The CLIP paper's values for ViT models: betas (0.9, 0.98), eps 1e-6, weight decay 0.2. */
    public static Settings clipPaper() {
      return new Settings(0.9, 0.98, 1e-6, 0.2);
    }
  }

  private final Settings settings;
  private final Map<String, Parameter> params;
  private final Set<String> decayed = new LinkedHashSet<>();
  private final NDManager stateManager;
  private final Map<String, NDArray> m = new LinkedHashMap<>();
  private final Map<String, NDArray> v = new LinkedHashMap<>();
  private long step;

  /**
   * @param params parameters by name (initialised)
   * @param decay which names receive weight decay
   */
  public AdamW(Map<String, Parameter> params, Predicate<String> decay, Settings settings) {
    this.settings = settings;
    this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    NDManager parent = params.values().iterator().next().getArray().getManager();
    this.stateManager = parent.newSubManager();
    for (Map.Entry<String, Parameter> e : this.params.entrySet()) {
      NDArray p = e.getValue().getArray();
      m.put(e.getKey(), stateManager.zeros(p.getShape(), p.getDataType()));
      v.put(e.getKey(), stateManager.zeros(p.getShape(), p.getDataType()));
      if (decay.test(e.getKey())) {
        decayed.add(e.getKey());
      }
    }
  }

  /** Number of updates applied so far. */
  public long stepCount() {
    return step;
  }

  /** The settings. */
  public Settings settings() {
    return settings;
  }

  /** Names that receive weight decay. */
  public Set<String> decayedNames() {
    return Collections.unmodifiableSet(decayed);
  }

  /**
   * Applies one update in place.
   *
   * @param grads gradient per parameter name; parameters without an entry are skipped (their
   *     moments do not change)
   * @param lr learning rate of this update
   */
  public void update(Map<String, NDArray> grads, double lr) {
    step++;
    double b1 = settings.beta1();
    double b2 = settings.beta2();
    double bc1 = 1 - Math.pow(b1, step);
    double bc2 = 1 - Math.pow(b2, step);
    float stepSize = (float) (lr / bc1);
    float sqrtBc2 = (float) Math.sqrt(bc2);
    float decayFactor = (float) (1 - lr * settings.weightDecay());
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      NDArray g = grads.get(e.getKey());
      if (g == null) {
        continue;
      }
      NDArray p = e.getValue().getArray();
      NDArray mt = m.get(e.getKey());
      NDArray vt = v.get(e.getKey());
      if (decayed.contains(e.getKey())) {
        p.muli(decayFactor);
      }
      // Each temporary is freed as soon as it is used, so peak extra memory is one parameter's
      // worth (not the whole model's, which for ViT-B/32 would be gigabytes per step).
      try (NDArray scaled = g.mul((float) (1 - b1))) {
        mt.muli((float) b1).addi(scaled);
      }
      try (NDArray squared = g.square()) {
        vt.muli((float) b2).addi(squared.muli((float) (1 - b2)));
      }
      try (NDArray denom = vt.sqrt()) {
        denom.divi(sqrtBc2).addi((float) settings.epsilon());
        try (NDArray delta = mt.div(denom)) {
          p.subi(delta.muli(stepSize));
        }
      }
    }
  }

  /** Moments as HF-keyed tensors: {@code exp_avg} (m) and {@code exp_avg_sq} (v). */
  public StateDict firstMoments() {
    return export(m);
  }

  /** Second moments (v). */
  public StateDict secondMoments() {
    return export(v);
  }

  /** Restores moments and step count (e.g. from a checkpoint); shapes must match. */
  public void restore(StateDict firstMoments, StateDict secondMoments, long stepCount) {
    if (stepCount < 0) {
      throw new IllegalArgumentException("step count must be >= 0, got " + stepCount);
    }
    check(firstMoments, m, "first moments");
    check(secondMoments, v, "second moments");
    for (String key : m.keySet()) {
      m.get(key).set(firstMoments.get(key).data());
      v.get(key).set(secondMoments.get(key).data());
    }
    step = stepCount;
  }

  /** Zeroes the moments and the step count (a fresh optimizer). */
  public void reset() {
    for (Map<String, NDArray> moments : java.util.List.of(m, v)) {
      for (Map.Entry<String, NDArray> e : moments.entrySet()) {
        NDArray old = e.getValue();
        e.setValue(stateManager.zeros(old.getShape(), old.getDataType()));
        old.close();
      }
    }
    step = 0;
  }

  private static StateDict export(Map<String, NDArray> arrays) {
    StateDict sd = new StateDict();
    for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
      sd.put(
          e.getKey(),
          new NamedTensor(e.getValue().getShape().getShape(), e.getValue().toFloatArray()));
    }
    return sd;
  }

  private static void check(StateDict sd, Map<String, NDArray> arrays, String what) {
    if (!sd.asMap().keySet().equals(arrays.keySet())) {
      Set<String> missing = new LinkedHashSet<>(arrays.keySet());
      missing.removeAll(sd.asMap().keySet());
      Set<String> unexpected = new LinkedHashSet<>(sd.asMap().keySet());
      unexpected.removeAll(arrays.keySet());
      throw new IllegalArgumentException(
          what + " do not match: missing " + missing + ", unexpected " + unexpected);
    }
    for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
      long[] expected = e.getValue().getShape().getShape();
      long[] actual = sd.get(e.getKey()).shape();
      if (!Arrays.equals(expected, actual)) {
        throw new IllegalArgumentException(
            what
                + " "
                + e.getKey()
                + ": expected "
                + Arrays.toString(expected)
                + ", got "
                + Arrays.toString(actual));
      }
    }
  }

  /** Frees the moment arrays. */
  @Override
  public void close() {
    stateManager.close();
  }
}
