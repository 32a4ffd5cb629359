package org.medclip.training.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.medclip.clip.ClipConfig;
import org.medclip.training.weights.NamedTensor;
import org.medclip.training.weights.StateDict;

/**
 * Hugging Face {@code CLIPModel} in DJL (PyTorch engine), float32.
 *
 * <p>Every DJL parameter is named with its HF state-dict key and has HF's layout ({@link
 * HfKeyMap}), so {@link #toStateDict()} / {@link #loadStateDict} are a name-for-name copy. Image
 * and text embeddings returned by the encode/embed methods are L2-normalised rows of length {@code
 * projection_dim}; cosine similarity is their dot product.
 *
 * <p>Memory: parameters live in the DJL model's manager. Arrays produced by {@link #encodeImages} /
 * {@link #encodeTexts} are attached to the manager of their input, so the caller frees them by
 * closing that (sub-)manager. Not thread-safe.
 */
public final class ClipModel implements AutoCloseable {
  private final ClipConfig config;
  private final Model model;
  private final ClipBlock block;
  private final ParameterStore store;

  private ClipModel(ClipConfig config, Model model, ClipBlock block) {
    this.config = config;
    this.model = model;
    this.block = block;
    this.store = new ParameterStore(model.getNDManager(), false);
  }

  /** A model on the CPU with the default (PyTorch) engine, initialised with seed 0. */
  public static ClipModel create(ClipConfig config) {
    return create(config, Device.cpu(), 0L);
  }

  /**
   * A model on {@code device} with the PyTorch engine, initialised by {@link #initialize(long)}.
   *
   * @param seed seed of the HF-style random initialisation
   */
  public static ClipModel create(ClipConfig config, Device device, long seed) {
    Objects.requireNonNull(config, "config");
    Model model = Model.newInstance("medclip-clip", device, "PyTorch");
    try {
      ClipBlock block = new ClipBlock(config);
      model.setBlock(block);
      int s = config.vision().imageSize();
      block.initialize(
          model.getNDManager(),
          DataType.FLOAT32,
          new Shape(1, config.vision().numChannels(), s, s),
          new Shape(1, config.text().maxPositions()));
      ClipModel clip = new ClipModel(config, model, block);
      clip.initialize(seed);
      return clip;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** The architecture. */
  public ClipConfig config() {
    return config;
  }

  /** The root DJL block (input: pixels, ids; output: image embeds, text embeds, logit scale). */
  public Block block() {
    return block;
  }

  /** The DJL model that owns the parameter arrays. */
  public Model djlModel() {
    return model;
  }

  /** The manager holding the parameters; per-step work belongs in a sub-manager of it. */
  public NDManager manager() {
    return model.getNDManager();
  }

  /** The device of the parameters. */
  public Device device() {
    return model.getNDManager().getDevice();
  }

  /** Every learnable parameter by HF key, in {@link HfKeyMap#entries} order. */
  public Map<String, Parameter> parameters() {
    Map<String, Parameter> out = new LinkedHashMap<>();
    for (HfKeyMap.Entry e : HfKeyMap.entries(config)) {
      out.put(e.key(), block.hfParameters().get(e.key()));
    }
    return out;
  }

  /** The raw learnable log temperature (the logits are scaled by its exp). */
  public Parameter logitScale() {
    return block.logitScaleParameter();
  }

  /** The parameter store the forward passes read through (no copies: copy = false). */
  public ParameterStore parameterStore() {
    return store;
  }

  /**
   * Re-initialises every parameter with HF's {@code _init_weights} distributions (CLIP-REFERENCE
   * §2): N(0, std) for weights and embeddings, LayerNorm 1/0, biases 0, logit scale {@code
   * logit_scale_init_value}. Values come from a {@link SplittableRandom} seeded with {@code seed},
   * split once per tensor in {@link HfKeyMap#entries} order, so the result is engine-independent
   * and identical for equal seeds.
   */
  public void initialize(long seed) {
    SplittableRandom master = new SplittableRandom(seed);
    Map<String, Parameter> params = block.hfParameters();
    GradMode.off(
        () -> {
          for (HfKeyMap.Entry e : HfKeyMap.entries(config)) {
            SplittableRandom random = master.split();
            float[] data = new float[Math.toIntExact(e.numel())];
            switch (e.kind()) {
              case NORM_WEIGHT:
                Arrays.fill(data, 1f);
                break;
              case LINEAR_BIAS:
              case NORM_BIAS:
                break;
              case LOGIT_SCALE:
                data[0] = (float) e.init();
                break;
              default:
                for (int i = 0; i < data.length; i++) {
                  data[i] = (float) (random.nextGaussian() * e.init());
                }
            }
            params.get(e.key()).getArray().set(data);
          }
        });
  }

  /**
   * Image embeddings.
   *
   * @param pixelValues [N, 3, S, S] float32, CLIP-normalised
   * @param training whether this forward is recorded for training
   * @return [N, D] float32, L2-normalised rows, attached to the manager of {@code pixelValues}
   */
  public NDArray encodeImages(NDArray pixelValues, boolean training) {
    return block.encodeImages(store, pixelValues, training);
  }

  /**
   * Text embeddings.
   *
   * @param inputIds [N, L] int64 token ids, L <= max_position_embeddings; pooled at the first EOS
   * @param training whether this forward is recorded for training
   * @return [N, D] float32, L2-normalised rows, attached to the manager of {@code inputIds}
   */
  public NDArray encodeTexts(NDArray inputIds, boolean training) {
    return block.encodeTexts(store, inputIds, training);
  }

  /**
   * Inference without autograd.
   *
   * @param chwBatch n images, each [3, S, S] channels-first, concatenated
   * @param n number of images
   * @return n L2-normalised rows of length projection_dim
   */
  public float[][] embedImages(float[] chwBatch, int n) {
    int s = config.vision().imageSize();
    long per = (long) config.vision().numChannels() * s * s;
    if (n < 0 || chwBatch.length != per * n) {
      throw new IllegalArgumentException(
          "expected " + n + " x " + per + " pixel values, got " + chwBatch.length);
    }
    if (n == 0) {
      return new float[0][];
    }
    return GradMode.off(
        () -> {
          try (NDManager sub = manager().newSubManager()) {
            NDArray px =
                Nd.ownedFloats(sub, chwBatch, new Shape(n, config.vision().numChannels(), s, s));
            return rows(encodeImages(px, false), n);
          }
        });
  }

  /**
   * Inference without autograd.
   *
   * @param inputIds rows of equal length L (padded after EOS), L <= max_position_embeddings
   * @return one L2-normalised row of length projection_dim per input row
   */
  public float[][] embedTexts(long[][] inputIds) {
    int n = inputIds.length;
    if (n == 0) {
      return new float[0][];
    }
    int len = inputIds[0].length;
    long[] flat = new long[n * len];
    for (int i = 0; i < n; i++) {
      if (inputIds[i].length != len) {
        throw new IllegalArgumentException(
            "all rows must have length " + len + "; row " + i + " has " + inputIds[i].length);
      }
      System.arraycopy(inputIds[i], 0, flat, i * len, len);
    }
    return GradMode.off(
        () -> {
          try (NDManager sub = manager().newSubManager()) {
            NDArray ids = Nd.ownedLongs(sub, flat, new Shape(n, len));
            return rows(encodeTexts(ids, false), n);
          }
        });
  }

  private float[][] rows(NDArray embeddings, int n) {
    float[] flat = embeddings.toFloatArray();
    int d = config.projectionDim();
    float[][] out = new float[n][d];
    for (int i = 0; i < n; i++) {
      System.arraycopy(flat, i * d, out[i], 0, d);
    }
    return out;
  }

  /** A copy of every parameter under its HF key, HF layout, float32; no position_ids buffers. */
  public StateDict toStateDict() {
    StateDict sd = new StateDict();
    for (Map.Entry<String, Parameter> e : parameters().entrySet()) {
      NDArray a = e.getValue().getArray();
      sd.put(e.getKey(), new NamedTensor(a.getShape().getShape(), a.toFloatArray()));
    }
    return sd;
  }

  /**
   * Replaces every parameter with the tensor of the same HF key. The key set must match {@link
   * HfKeyMap#entries} exactly (keys ending in {@code position_ids} are ignored) and every shape
   * must match; otherwise nothing is changed and an {@link IllegalArgumentException} lists the
   * missing and unexpected keys, or names the key with its expected and actual shape.
   */
  public void loadStateDict(StateDict weights) {
    Map<String, HfKeyMap.Entry> spec = HfKeyMap.byKey(config);
    TreeSet<String> unexpected = new TreeSet<>();
    for (String key : weights.asMap().keySet()) {
      if (!spec.containsKey(key) && !HfKeyMap.isIgnoredKey(key)) {
        unexpected.add(key);
      }
    }
    TreeSet<String> missing = new TreeSet<>();
    for (String key : spec.keySet()) {
      if (!weights.contains(key)) {
        missing.add(key);
      }
    }
    if (!missing.isEmpty() || !unexpected.isEmpty()) {
      throw new IllegalArgumentException(
          "state dict does not match the model: missing keys "
              + missing
              + ", unexpected keys "
              + unexpected);
    }
    List<String> badShapes = new ArrayList<>();
    for (HfKeyMap.Entry e : spec.values()) {
      long[] actual = weights.get(e.key()).shape();
      if (!Arrays.equals(e.shape(), actual)) {
        badShapes.add(
            e.key()
                + ": expected "
                + Arrays.toString(e.shape())
                + ", got "
                + Arrays.toString(actual));
      }
    }
    if (!badShapes.isEmpty()) {
      throw new IllegalArgumentException("shape mismatch: " + String.join("; ", badShapes));
    }
    Map<String, Parameter> params = block.hfParameters();
    GradMode.off(
        () -> {
          for (HfKeyMap.Entry e : spec.values()) {
            // Overwrites the values in place; the parameter keeps its array and gradient flag.
            params.get(e.key()).getArray().set(weights.get(e.key()).data());
          }
          return null;
        });
  }

  /** Frees every native array of the model. */
  @Override
  public void close() {
    model.close();
  }
}
