package org.medclip.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;

/**
 * Small array helpers shared by the CLIP blocks.
 *
 * <p>Memory invariant: DJL attaches an op's result to the manager of its first operand. Ops whose
 * first operand is a parameter would therefore leak into the parameter manager; every such result
 * goes through {@link #into} so that all activations live in the manager of the input batch.
 */
final class Nd {
  private Nd() {}

  /** Moves {@code array} to {@code manager} and returns it. */
  static NDArray into(NDArray array, NDManager manager) {
    array.attach(manager);
    return array;
  }

  static NDArray value(ParameterStore ps, Parameter p, NDArray like, boolean training) {
    return ps.getValue(p, like.getDevice(), training);
  }

  /** {@code x @ w^T + b} over the last axis; w is [out, in]; b may be null. */
  static NDArray linear(NDArray x, NDArray w, NDArray b) {
    return b == null ? Linear.linear(x, w).singletonOrThrow() : Linear.linear(x, w, b).head();
  }

  /** LayerNorm over the last axis. */
  static NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta, float eps) {
    return LayerNorm.layerNorm(x, new Shape(gamma.getShape().get(0)), gamma, beta, eps).head();
  }
}
