package org.medclip.training.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.medclip.clip.ClipConfig;
import org.medclip.training.model.ClipModel;
import org.medclip.training.model.GradMode;
import org.medclip.training.model.HfKeyMap;
import org.medclip.training.model.Nd;

/**
 * The CLIP training step: forward both towers, symmetric contrastive loss, backward, global-norm
 * gradient clipping, AdamW (decay only on Linear/Conv weights), then {@code logit_scale} clamped to
 * [0, ln 100].
 *
 * <p>Memory invariant: every array a step creates lives in a sub-manager of the model's manager
 * that is closed when {@link #step} returns (inputs are copied into it, gradient wrappers are
 * attached to it); gradients are zeroed in place. The number of live native arrays is therefore the
 * same after every step. Not thread-safe; one trainer per process (DJL allows one gradient
 * collector at a time).
 */
public final class ClipTrainer implements AutoCloseable {
  /** Upper bound of {@code logit_scale}: ln 100, i.e. a temperature of at least 1/100. */
  public static final float MAX_LOGIT_SCALE = (float) Math.log(100);

  /**
   * Training options.
   *
   * @param schedule learning rate per optimizer step
   * @param adam AdamW hyper-parameters
   * @param maxGradNorm global L2 norm threshold; {@code <= 0} disables clipping
   */
  public record Options(LearningRateSchedule schedule, AdamW.Settings adam, double maxGradNorm) {
    public Options {
      Objects.requireNonNull(schedule, "schedule");
      Objects.requireNonNull(adam, "adam");
    }
  }

  private final ClipModel model;
  private final Options options;
  private final Map<String, Parameter> params;
  private final AdamW optimizer;
  private double lastGradNorm = Double.NaN;
  private double lastLearningRate = Double.NaN;
  private long forwardNanos;
  private long backwardNanos;
  private long optimizerNanos;

  /**
   * Wall time spent in the phases of {@link #step} since this trainer was made (nanoseconds). On
   * the CPU every PyTorch operation is synchronous, so the wall time of a phase is its compute
   * time.
   *
   * @param forwardNanos both towers and the loss (copying the inputs in included)
   * @param backwardNanos autograd backward and reading the loss
   * @param optimizerNanos gradient norm and clipping, AdamW update, zeroing, logit-scale clamp
   */
  public record PhaseTimes(long forwardNanos, long backwardNanos, long optimizerNanos) {
    /** The time spent since {@code earlier} (component-wise difference). */
    public PhaseTimes since(PhaseTimes earlier) {
      return new PhaseTimes(
          forwardNanos - earlier.forwardNanos,
          backwardNanos - earlier.backwardNanos,
          optimizerNanos - earlier.optimizerNanos);
    }
  }

  /** A trainer with fresh optimizer state (step 0) over all parameters of {@code model}. */
  public ClipTrainer(ClipModel model, Options options) {
    this.model = Objects.requireNonNull(model, "model");
    this.options = Objects.requireNonNull(options, "options");
    this.params = model.parameters();
    Map<String, HfKeyMap.Entry> spec = HfKeyMap.byKey(model.config());
    this.optimizer = new AdamW(params, key -> spec.get(key).kind().decayed(), options.adam());
    GradMode.off(this::zeroGradients);
  }

  /** The model being trained. */
  public ClipModel model() {
    return model;
  }

  /** The optimizer (moments, step count). */
  public AdamW optimizer() {
    return optimizer;
  }

  /** Optimizer updates applied so far. */
  public long stepCount() {
    return optimizer.stepCount();
  }

  /** Global gradient norm of the last step, before clipping. */
  public double lastGradNorm() {
    return lastGradNorm;
  }

  /** Cumulative time per phase of {@link #step} (see {@link PhaseTimes}). */
  public PhaseTimes phaseTimes() {
    return new PhaseTimes(forwardNanos, backwardNanos, optimizerNanos);
  }

  /** Learning rate used by the last step. */
  public double lastLearningRate() {
    return lastLearningRate;
  }

  /**
   * One training step on a batch of matching pairs.
   *
   * @param pixels [B, 3, S, S] float32, CLIP-normalised; row i pairs with text row i
   * @param inputIds [B, L] int64
   * @return the batch loss before the update (mean symmetric cross-entropy, nats)
   * @throws IllegalStateException if the loss is NaN or infinite (weights and optimizer state are
   *     then left unchanged)
   */
  public float step(NDArray pixels, NDArray inputIds) {
    try (NDManager scratch = model.manager().newSubManager()) {
      long t0 = System.nanoTime();
      NDArray px = copyInto(pixels, scratch);
      NDArray ids = copyInto(inputIds, scratch);
      float loss;
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray l = lossOf(px, ids, true);
        long t1 = System.nanoTime();
        forwardNanos += t1 - t0;
        gc.backward(l);
        loss = l.getFloat();
        backwardNanos += System.nanoTime() - t1;
      }
      if (!Float.isFinite(loss)) {
        // Never let NaN/Inf reach the weights or the Adam moments.
        GradMode.off(this::zeroGradients);
        throw new IllegalStateException(
            "non-finite loss " + loss + " at step " + optimizer.stepCount() + "; update skipped");
      }
      long t2 = System.nanoTime();
      GradMode.off(() -> applyUpdate(scratch));
      optimizerNanos += System.nanoTime() - t2;
      return loss;
    }
  }

  /** {@link #step(NDArray, NDArray)} from Java arrays: {@code n} CHW images and n id rows. */
  public float step(float[] chwBatch, long[][] inputIds) {
    try (NDManager scratch = model.manager().newSubManager()) {
      return step(pixels(scratch, chwBatch, inputIds.length), ids(scratch, inputIds));
    }
  }

  /** The loss on a batch with the current weights, without gradients or an update. */
  public float evaluateLoss(float[] chwBatch, long[][] inputIds) {
    return GradMode.off(
        () -> {
          try (NDManager scratch = model.manager().newSubManager()) {
            NDArray px = pixels(scratch, chwBatch, inputIds.length);
            return lossOf(px, ids(scratch, inputIds), false).getFloat();
          }
        });
  }

  /** A checkpoint of weights, optimizer moments and step count. */
  public Checkpoint checkpoint() {
    return new Checkpoint(
        optimizer.stepCount(),
        model.toStateDict(),
        optimizer.firstMoments(),
        optimizer.secondMoments());
  }

  /** Writes {@link #checkpoint()} to {@code file}. */
  public void saveCheckpoint(Path file) throws IOException {
    checkpoint().save(file);
  }

  /**
   * Restores a checkpoint into this trainer's model and optimizer.
   *
   * @param withOptimizerState if false, only the weights are restored and the optimizer starts
   *     fresh (zero moments, step 0): training then does NOT continue identically
   */
  public void restore(Checkpoint checkpoint, boolean withOptimizerState) {
    GradMode.off(
        () -> {
          model.loadStateDict(checkpoint.weights());
          if (withOptimizerState) {
            optimizer.restore(
                checkpoint.firstMoments(), checkpoint.secondMoments(), checkpoint.step());
          } else {
            optimizer.reset();
          }
          zeroGradients();
        });
  }

  private NDArray lossOf(NDArray px, NDArray ids, boolean training) {
    NDArray img = model.encodeImages(px, training);
    NDArray txt = model.encodeTexts(ids, training);
    return ContrastiveLoss.compute(img, txt, model.logitScale().getArray());
  }

  private void applyUpdate(NDManager scratch) {
    Map<String, NDArray> grads = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      NDArray g = e.getValue().getArray().getGradient(); // a new wrapper sharing the grad tensor
      g.attach(scratch); // so that closing the scratch manager frees the wrapper
      grads.put(e.getKey(), g);
    }
    lastGradNorm = GradientClipping.clipGlobalNorm(grads.values(), options.maxGradNorm());
    lastLearningRate = options.schedule().at(optimizer.stepCount());
    optimizer.update(grads, lastLearningRate);
    zeroGradients();
    clampLogitScale(model);
  }

  /** Clamps {@code logit_scale} into [0, ln 100] in place (as open_clip does after each step). */
  static void clampLogitScale(ClipModel model) {
    NDArray ls = model.logitScale().getArray();
    float value = ls.getFloat();
    float clamped = Math.max(0f, Math.min(MAX_LOGIT_SCALE, value));
    if (clamped != value) {
      GradMode.off(() -> ls.set(new float[] {clamped}));
    }
  }

  private void zeroGradients() {
    for (Parameter p : params.values()) {
      JniUtils.zeroGrad((PtNDArray) p.getArray());
    }
  }

  private static NDArray copyInto(NDArray array, NDManager scratch) {
    NDArray copy = array.duplicate();
    copy.attach(scratch);
    return copy;
  }

  private NDArray pixels(NDManager scratch, float[] chw, int n) {
    ClipConfig.VisionConfig v = model.config().vision();
    return Nd.ownedFloats(
        scratch, chw, new Shape(n, v.numChannels(), v.imageSize(), v.imageSize()));
  }

  private static NDArray ids(NDManager scratch, long[][] rows) {
    int n = rows.length;
    int len = rows[0].length;
    long[] flat = new long[n * len];
    for (int i = 0; i < n; i++) {
      if (rows[i].length != len) {
        throw new IllegalArgumentException("all id rows must have length " + len);
      }
      System.arraycopy(rows[i], 0, flat, i * len, len);
    }
    return Nd.ownedLongs(scratch, flat, new Shape(n, len));
  }

  /** Frees the optimizer state (the model stays open; the caller owns it). */
  @Override
  public void close() {
    optimizer.close();
  }
}
