package org.medclip.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import java.lang.ref.Reference;

/**
 * Small array helpers shared by the CLIP blocks.
 *
 * <p>Memory invariant: DJL attaches an op's result to the manager of its first operand. Ops whose
 * first operand is a parameter would therefore leak into the parameter manager; every such result
 * goes through {@link #into} so that all activations live in the manager of the input batch.
 */
public final class Nd {
  private Nd() {}

  /**
   * A float32 tensor holding a copy of {@code data} in memory that libtorch owns, attached to
   * {@code manager}. DJL's {@code create(float[])} wraps a direct buffer with {@code
   * torch::from_blob}: only the Java wrapper keeps that memory alive, and the garbage collector may
   * free it while native code still reads it. Every Java array that enters the model goes through
   * here (or {@link #ownedLongs}).
   */
  public static NDArray ownedFloats(NDManager manager, float[] data, Shape shape) {
    NDArray blob = manager.create(data, shape);
    try {
      return blob.duplicate();
    } finally {
      Reference.reachabilityFence(blob);
      blob.close();
    }
  }

  /** {@link #ownedFloats} for int64 data. */
  public static NDArray ownedLongs(NDManager manager, long[] data, Shape shape) {
    NDArray blob = manager.create(data, shape);
    try {
      return blob.duplicate();
    } finally {
      Reference.reachabilityFence(blob);
      blob.close();
    }
  }

  /**
   * {@code x * c}. DJL's {@code mul(Number)} multiplies by a scalar tensor that wraps Java memory
   * and is closed right after the op; autograd keeps that scalar for the backward pass, which then
   * reads memory the garbage collector may already have freed (non-deterministic gradients, NaN
   * weights). Here the scalar is owned by libtorch, so the graph keeps it alive.
   */
  public static NDArray mulScalar(NDArray x, float c) {
    try (NDArray scalar = ownedFloats(x.getManager(), new float[] {c}, new Shape())) {
      return x.mul(scalar);
    }
  }

  /** {@code x / c}, with a libtorch-owned scalar (see {@link #mulScalar}). */
  public static NDArray divScalar(NDArray x, float c) {
    try (NDArray scalar = ownedFloats(x.getManager(), new float[] {c}, new Shape())) {
      return x.div(scalar);
    }
  }

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
