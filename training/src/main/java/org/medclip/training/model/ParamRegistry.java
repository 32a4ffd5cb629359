package org.medclip.training.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.medclip.clip.ClipConfig;

/**
 * Creates the DJL parameters of a CLIP model from {@link HfKeyMap} and records them by HF key.
 * Every parameter is named with its HF key and shaped as the table says; arrays start as zeros
 * (real values come from {@link ClipModel#initialize} or {@link ClipModel#loadStateDict}).
 */
final class ParamRegistry {
  private final Map<String, HfKeyMap.Entry> spec;
  private final Map<String, Parameter> params = new LinkedHashMap<>();

  ParamRegistry(ClipConfig config) {
    this.spec = HfKeyMap.byKey(config);
  }

  /** A new parameter for {@code key}; each key may be created once. */
  Parameter create(String key) {
    HfKeyMap.Entry entry = spec.get(key);
    if (entry == null) {
      throw new IllegalStateException("no HfKeyMap entry for " + key);
    }
    if (params.containsKey(key)) {
      throw new IllegalStateException("parameter created twice: " + key);
    }
    Parameter p =
        Parameter.builder()
            .setName(key)
            .setType(type(entry.kind()))
            .optShape(new Shape(entry.shape()))
            .optInitializer(Initializer.ZEROS)
            .build();
    params.put(key, p);
    return p;
  }

  /** Parameters by HF key, in creation order. */
  Map<String, Parameter> params() {
    return Collections.unmodifiableMap(params);
  }

  private static Parameter.Type type(HfKeyMap.Kind kind) {
    switch (kind) {
      case LINEAR_WEIGHT:
      case CONV_WEIGHT:
      case EMBEDDING:
        return Parameter.Type.WEIGHT;
      case LINEAR_BIAS:
        return Parameter.Type.BIAS;
      case NORM_WEIGHT:
        return Parameter.Type.GAMMA;
      case NORM_BIAS:
        return Parameter.Type.BETA;
      default:
        return Parameter.Type.OTHER;
    }
  }
}
