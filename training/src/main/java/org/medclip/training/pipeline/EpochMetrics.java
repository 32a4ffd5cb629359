package org.medclip.training.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What one epoch measured.
 *
 * @param epoch 1-based epoch
 * @param step optimizer steps applied after this epoch (whole run)
 * @param trainLoss mean training loss of the epoch's steps, weighted by batch size (nats)
 * @param validationLoss mean symmetric contrastive loss on the validation split, in consecutive
 *     batches of {@code validation_batch_size}, weighted by batch size (nats; NaN without
 *     validation pairs)
 * @param validationAccuracy in-batch image-to-caption top-1 accuracy on the same batches (NaN
 *     without validation pairs)
 * @param learningRate learning rate of the epoch's last step
 * @param samplesPerSecond training pairs per second of wall time (loading included)
 * @param seconds wall time of the epoch's training steps (validation excluded)
 * @param dataWaitSeconds time the training thread waited for batches (with prefetching: loading not
 *     hidden behind the steps; without: all loading)
 * @param stepSeconds time inside {@code ClipTrainer.step} (forward, backward, optimizer)
 * @param forwardSeconds part of {@code stepSeconds} in the forward pass and loss (NaN when not
 *     recorded, e.g. in a history written by an older version)
 * @param backwardSeconds part of {@code stepSeconds} in the backward pass (NaN when not recorded)
 * @param optimizerSeconds part of {@code stepSeconds} in clipping and the AdamW update (NaN when
 *     not recorded)
 * @param dropped training pairs dropped because their image could not be decoded
 * @param stepLosses loss of every step of the epoch, in order
 */
public record EpochMetrics(
    int epoch,
    long step,
    double trainLoss,
    double validationLoss,
    double validationAccuracy,
    double learningRate,
    double samplesPerSecond,
    double seconds,
    double dataWaitSeconds,
    double stepSeconds,
    double forwardSeconds,
    double backwardSeconds,
    double optimizerSeconds,
    int dropped,
    float[] stepLosses) {

  /** JSON form (NaN written as null). */
  public ObjectNode toJson() {
    ObjectNode o = EvaluationReport.JSON.createObjectNode();
    o.put("epoch", epoch);
    o.put("step", step);
    putNumber(o, "train_loss", trainLoss);
    putNumber(o, "validation_loss", validationLoss);
    putNumber(o, "validation_accuracy", validationAccuracy);
    putNumber(o, "learning_rate", learningRate);
    putNumber(o, "samples_per_second", samplesPerSecond);
    putNumber(o, "seconds", seconds);
    putNumber(o, "data_wait_seconds", dataWaitSeconds);
    putNumber(o, "step_seconds", stepSeconds);
    putNumber(o, "forward_seconds", forwardSeconds);
    putNumber(o, "backward_seconds", backwardSeconds);
    putNumber(o, "optimizer_seconds", optimizerSeconds);
    o.put("dropped", dropped);
    ArrayNode a = o.putArray("step_losses");
    for (float f : stepLosses) {
      a.add(f);
    }
    return o;
  }

  private static void putNumber(ObjectNode o, String key, double v) {
    if (Double.isFinite(v)) {
      o.put(key, v);
    } else {
      o.putNull(key);
    }
  }

  /** Reads {@link #toJson()}. */
  public static EpochMetrics fromJson(JsonNode o) {
    JsonNode a = o.path("step_losses");
    float[] losses = new float[a.size()];
    for (int i = 0; i < losses.length; i++) {
      losses[i] = (float) a.get(i).asDouble();
    }
    return new EpochMetrics(
        o.path("epoch").asInt(),
        o.path("step").asLong(),
        number(o, "train_loss"),
        number(o, "validation_loss"),
        number(o, "validation_accuracy"),
        number(o, "learning_rate"),
        number(o, "samples_per_second"),
        number(o, "seconds"),
        number(o, "data_wait_seconds"),
        number(o, "step_seconds"),
        number(o, "forward_seconds"),
        number(o, "backward_seconds"),
        number(o, "optimizer_seconds"),
        o.path("dropped").asInt(),
        losses);
  }

  private static double number(JsonNode o, String key) {
    JsonNode v = o.get(key);
    return v == null || v.isNull() ? Double.NaN : v.asDouble();
  }
}
