package org.medclip.training.weights;

import java.util.Arrays;
import java.util.Objects;

/**
 * One float32 weight tensor, row-major, independent of any engine.
 *
 * @param shape dimensions (empty for a scalar)
 * @param data values, row-major; length equals the product of shape
 */
public record NamedTensor(long[] shape, float[] data) {
  public NamedTensor {
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(data, "data");
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
    }
  }
}
