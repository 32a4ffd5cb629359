package org.medclip.training.hf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.medclip.clip.ClipConfig;
import org.medclip.training.model.HfKeyMap;
import org.medclip.training.weights.StateDict;

/**
 * The Hugging Face {@code CLIPModel} state-dict keys and shapes implied by a {@link ClipConfig}, as
 * import, export and the ONNX exporter check weights against them. The table itself is {@link
 * HfKeyMap} (which the DJL model is built from); this class adds the checks.
 *
 * <p>Layouts are PyTorch's: Linear weight [out, in], Conv2d weight [out, in, kh, kw], Embedding
 * [rows, dim], LayerNorm weight/bias [dim], {@code logit_scale} a scalar (shape []).
 */
public final class HfKeys {

  /**
   * Integer buffers HF may store next to the parameters ({@code [1, positions]} int64 aranges).
   * They carry no information and are ignored on import and never written on export.
   */
  public static final Set<String> IGNORED_BUFFERS =
      Set.of("text_model.embeddings.position_ids", "vision_model.embeddings.position_ids");

  private HfKeys() {}

  /**
   * Every parameter tensor of HF's {@code CLIPModel} for {@code config}, in PyTorch's {@code
   * named_parameters()} order (a module's own parameters before its children's, children in
   * declaration order: {@code logit_scale} first, attention projections k, v, q, out). Excludes the
   * {@link #IGNORED_BUFFERS}. openai/clip-vit-base-patch32 gives 398 tensors, 151,277,313 values.
   *
   * @return read-only map from key to shape
   */
  public static Map<String, long[]> expectedShapes(ClipConfig config) {
    Map<String, long[]> m = new LinkedHashMap<>();
    for (HfKeyMap.Entry entry : HfKeyMap.entries(config)) {
      m.put(entry.key(), entry.shape());
    }
    return Collections.unmodifiableMap(m);
  }

  /**
   * Checks that {@code weights} holds exactly the tensors of {@link #expectedShapes(ClipConfig)}
   * with those shapes ({@link #IGNORED_BUFFERS} are tolerated).
   *
   * @throws IllegalArgumentException listing every missing key, every unexpected key and every
   *     shape mismatch (key, expected, actual)
   */
  public static void validate(ClipConfig config, StateDict weights) {
    List<String> problems = problems(config, weights);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "weights do not match the CLIP config: " + String.join("; ", problems));
    }
  }

  /** The findings of {@link #validate}, empty when the weights match. */
  public static List<String> problems(ClipConfig config, StateDict weights) {
    Map<String, long[]> expected = expectedShapes(config);
    List<String> missing = new ArrayList<>();
    List<String> unexpected = new ArrayList<>();
    List<String> shapes = new ArrayList<>();
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      if (!weights.contains(e.getKey())) {
        missing.add(e.getKey());
      } else {
        long[] actual = weights.get(e.getKey()).shape();
        if (!Arrays.equals(actual, e.getValue())) {
          shapes.add(
              e.getKey()
                  + " expected "
                  + Arrays.toString(e.getValue())
                  + " but got "
                  + Arrays.toString(actual));
        }
      }
    }
    for (String key : weights.asMap().keySet()) {
      if (!expected.containsKey(key) && !IGNORED_BUFFERS.contains(key)) {
        unexpected.add(key);
      }
    }
    List<String> problems = new ArrayList<>();
    if (!missing.isEmpty()) {
      problems.add(missing.size() + " missing keys: " + missing);
    }
    if (!unexpected.isEmpty()) {
      problems.add(unexpected.size() + " unexpected keys: " + unexpected);
    }
    if (!shapes.isEmpty()) {
      problems.add(shapes.size() + " wrong shapes: " + shapes);
    }
    return problems;
  }

  /** Number of scalar values in all tensors of {@link #expectedShapes(ClipConfig)}. */
  public static long parameterCount(ClipConfig config) {
    long total = 0;
    for (long[] s : expectedShapes(config).values()) {
      total += numel(s);
    }
    return total;
  }

  /** Product of the dimensions (1 for a scalar). */
  public static long numel(long[] shape) {
    long n = 1;
    for (long x : shape) {
      n *= x;
    }
    return n;
  }
}
