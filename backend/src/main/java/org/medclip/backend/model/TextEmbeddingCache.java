package org.medclip.backend.model;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A bounded least-recently-used cache of query-text embeddings, keyed by (model id, text): a model
 * switch never serves another model's vectors. Vectors are shared: callers must not modify them.
 */
@ApplicationScoped
public class TextEmbeddingCache {
  private record Key(long modelId, String text) {}

  private final int capacity;
  private final LinkedHashMap<Key, float[]> entries;

  public TextEmbeddingCache(
      @ConfigProperty(name = "medclip.search.text-cache-size", defaultValue = "1000")
          int capacity) {
    this.capacity = Math.max(0, capacity);
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Key, float[]> eldest) {
            return size() > TextEmbeddingCache.this.capacity;
          }
        };
  }

  /**
   * The cached vector of {@code text} under {@code modelId}, or the one {@code embed} computes (the
   * lock is not held while embedding; two threads may embed the same text once each).
   */
  public float[] get(long modelId, String text, Supplier<float[]> embed) {
    Key key = new Key(modelId, text);
    synchronized (entries) {
      float[] hit = entries.get(key);
      if (hit != null) {
        return hit;
      }
    }
    float[] vector = embed.get();
    synchronized (entries) {
      entries.put(key, vector);
    }
    return vector;
  }

  /** Number of cached vectors (at most the capacity). */
  public int size() {
    synchronized (entries) {
      return entries.size();
    }
  }
}
