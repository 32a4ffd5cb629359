package org.medclip.backend.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TextEmbeddingCacheTest {

  @Test
  void keepsTheMostRecentlyUsedPerModelAndText() {
    TextEmbeddingCache cache = new TextEmbeddingCache(2);
    AtomicInteger calls = new AtomicInteger();
    cache.get(1, "a", () -> vector(calls));
    cache.get(1, "b", () -> vector(calls));
    cache.get(1, "a", () -> vector(calls)); // hit: "a" becomes the most recent
    assertEquals(2, calls.get());
    cache.get(1, "c", () -> vector(calls)); // evicts "b"
    assertEquals(2, cache.size());
    cache.get(1, "a", () -> vector(calls));
    assertEquals(3, calls.get());
    cache.get(1, "b", () -> vector(calls));
    assertEquals(4, calls.get());
    cache.get(2, "b", () -> vector(calls)); // another model never shares a vector
    assertEquals(5, calls.get());
  }

  private static float[] vector(AtomicInteger calls) {
    calls.incrementAndGet();
    return new float[] {1f};
  }
}
