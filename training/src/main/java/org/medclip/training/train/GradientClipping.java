package org.medclip.training.train;

import ai.djl.ndarray.NDArray;
import java.util.Collection;

/**
 * Global-norm gradient clipping ({@code torch.nn.utils.clip_grad_norm_}): if the L2 norm of all
 * gradients taken together exceeds {@code maxNorm}, every gradient is multiplied in place by {@code
 * maxNorm / (norm + 1e-6)}. Unlike DJL's {@code optClipGrad}, this is symmetric (a -10 gradient is
 * clipped like a +10 one) and preserves the direction of the full gradient vector.
 */
public final class GradientClipping {
  private GradientClipping() {}

  /**
   * Clips in place. Call with autograd off ({@link org.medclip.training.model.GradMode}).
   *
   * @param grads gradient arrays (in-place views of the parameters' gradients)
   * @param maxNorm threshold; {@code <= 0} or infinite disables clipping
   * @return the global L2 norm before clipping
   */
  public static double clipGlobalNorm(Collection<NDArray> grads, double maxNorm) {
    double sumSquares = 0;
    for (NDArray g : grads) {
      try (NDArray sq = g.square();
          NDArray s = sq.sum()) {
        sumSquares += s.getFloat();
      }
    }
    double norm = Math.sqrt(sumSquares);
    if (maxNorm > 0 && Double.isFinite(maxNorm) && norm > maxNorm) {
      float scale = (float) (maxNorm / (norm + 1e-6));
      for (NDArray g : grads) {
        g.muli(scale);
      }
    }
    return norm;
  }
}
