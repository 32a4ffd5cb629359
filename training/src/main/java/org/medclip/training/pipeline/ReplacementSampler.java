package org.medclip.training.pipeline;

/**
 * Draws sample indices uniformly WITH replacement (as the study: each epoch is {@code
 * samples_per_epoch} independent uniform draws from the train split).
 *
 * <p>The generator is SplitMix64 (Steele, Lea and Flood 2014): its whole state is one {@code long},
 * which the per-epoch training state stores, so a resumed run draws exactly the indices an
 * uninterrupted run would. Bounded draws use rejection sampling (no modulo bias). Not thread-safe.
 */
public final class ReplacementSampler {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
  private long state;

  /** A sampler seeded with {@code seed}. */
  public ReplacementSampler(long seed) {
    this.state = seed;
  }

  /** A sampler continuing from a saved {@link #state()}. */
  public static ReplacementSampler restore(long state) {
    return new ReplacementSampler(state);
  }

  /** The whole state: a sampler restored from it continues with the same draws. */
  public long state() {
    return state;
  }

  /** The next 64 random bits. */
  public long nextLong() {
    long z = (state += GOLDEN_GAMMA);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A uniform index in {@code [0, bound)}. */
  public int nextIndex(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    // Unsigned 63-bit value, rejected in the incomplete top interval.
    long limit = Long.MAX_VALUE - (Long.MAX_VALUE % bound);
    while (true) {
      long r = nextLong() >>> 1;
      if (r < limit) {
        return (int) (r % bound);
      }
    }
  }

  /** {@code count} independent uniform indices in {@code [0, bound)}. */
  public int[] draw(int count, int bound) {
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = nextIndex(bound);
    }
    return out;
  }
}
