package org.medclip.training.weights;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CLIP weights keyed by their Hugging Face state-dict names ({@code
 * vision_model.encoder.layers.0.self_attn.q_proj.weight}, ...). The exchange format between the DJL
 * model, safetensors files and the ONNX exporter; layouts are HF's (Linear weight is [out, in]).
 */
public final class StateDict {
  private final Map<String, NamedTensor> tensors = new LinkedHashMap<>();

  public void put(String key, NamedTensor tensor) {
    tensors.put(key, tensor);
  }

  /** The tensor for {@code key}; throws naming the key when absent. */
  public NamedTensor get(String key) {
    NamedTensor t = tensors.get(key);
    if (t == null) {
      throw new IllegalArgumentException("missing weight: " + key);
    }
    return t;
  }

  public boolean contains(String key) {
    return tensors.containsKey(key);
  }

  /** Read-only view in insertion order. */
  public Map<String, NamedTensor> asMap() {
    return Collections.unmodifiableMap(tensors);
  }

  public int size() {
    return tensors.size();
  }
}
