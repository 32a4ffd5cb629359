package org.medclip.training.train;

/**
 * Learning rate as a plain function of the optimizer step {@code t}: the number of updates already
 * applied (0 for the first update). All schedules are pure and never negative.
 */
@FunctionalInterface
public interface LearningRateSchedule {

  /** Learning rate for the update with index {@code step} (0-based). */
  double at(long step);

  /** {@code lr} at every step. */
  static LearningRateSchedule constant(double lr) {
    requireNonNegative(lr, "lr");
    return step -> lr;
  }

  /**
   * Linear decay from {@code peak} at step 0 to 0 at {@code totalSteps}, no warm-up: {@code peak *
   * (1 - t / totalSteps)}, 0 from {@code totalSteps} on.
   */
  static LearningRateSchedule linearDecay(double peak, long totalSteps) {
    requireNonNegative(peak, "peak");
    if (totalSteps <= 0) {
      throw new IllegalArgumentException("totalSteps must be positive, got " + totalSteps);
    }
    return step -> peak * Math.max(0.0, 1.0 - (double) step / totalSteps);
  }

  /**
   * Linear warm-up then cosine decay to an explicit final value.
   *
   * <ul>
   *   <li>{@code t < warmupSteps}: {@code peak * (t + 1) / warmupSteps} (reaches peak on the last
   *       warm-up step; the first update is not wasted at 0);
   *   <li>{@code warmupSteps <= t < totalSteps}: {@code finalLr + (peak - finalLr) * (1 + cos(pi *
   *       (t - warmupSteps) / (totalSteps - warmupSteps))) / 2};
   *   <li>{@code t >= totalSteps}: {@code finalLr}.
   * </ul>
   *
   * @param finalLr absolute learning rate at the end (not a fraction of peak)
   */
  static LearningRateSchedule warmupCosine(
      double peak, long warmupSteps, long totalSteps, double finalLr) {
    requireNonNegative(peak, "peak");
    requireNonNegative(finalLr, "finalLr");
    if (warmupSteps < 0 || totalSteps <= warmupSteps) {
      throw new IllegalArgumentException(
          "need 0 <= warmupSteps < totalSteps, got " + warmupSteps + " and " + totalSteps);
    }
    return step -> {
      if (step < warmupSteps) {
        return peak * (step + 1) / warmupSteps;
      }
      if (step >= totalSteps) {
        return finalLr;
      }
      double progress = (double) (step - warmupSteps) / (totalSteps - warmupSteps);
      return finalLr + (peak - finalLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
    };
  }

  private static void requireNonNegative(double v, String name) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(name + " must be finite and >= 0, got " + v);
    }
  }
}
