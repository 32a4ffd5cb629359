package org.medclip.training.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.medclip.training.model.Nd;

/**
 * CLIP's symmetric contrastive loss: with L2-normalised rows, {@code logits_per_text = text @
 * image^T * exp(logit_scale)}, loss = mean of the cross-entropy of {@code logits_per_text} and of
 * {@code logits_per_image = logits_per_text^T}, each against targets {@code arange(B)} (row i
 * matches column i). Natural-log units, averaged over the batch.
 */
public final class ContrastiveLoss {
  private ContrastiveLoss() {}

  /**
   * @param imageEmbeds [B, D] L2-normalised
   * @param textEmbeds [B, D] L2-normalised, row i pairs with image row i
   * @param logitScale the raw log-temperature parameter (scalar); its exp scales the logits
   * @return scalar loss, attached to the manager of {@code imageEmbeds}
   */
  public static NDArray compute(NDArray imageEmbeds, NDArray textEmbeds, NDArray logitScale) {
    long b = imageEmbeds.getShape().get(0);
    if (textEmbeds.getShape().get(0) != b) {
      throw new IllegalArgumentException(
          "batch sizes differ: " + imageEmbeds.getShape() + " vs " + textEmbeds.getShape());
    }
    NDManager m = imageEmbeds.getManager();
    NDArray scale = logitScale.exp();
    scale.attach(m); // the parameter's manager must not collect per-step results
    NDArray logitsPerText = textEmbeds.matMul(imageEmbeds.transpose()).mul(scale);
    NDArray logitsPerImage = logitsPerText.transpose();
    NDArray eye = m.eye((int) b);
    // Scalars through Nd: DJL's div(Number) would leave autograd a scalar in Java-owned memory.
    return Nd.divScalar(
        crossEntropyDiagonal(logitsPerText, eye).add(crossEntropyDiagonal(logitsPerImage, eye)),
        2f);
  }

  /** Mean over rows of -log softmax(logits)[i, i]. */
  private static NDArray crossEntropyDiagonal(NDArray logits, NDArray eye) {
    return Nd.divScalar(logits.logSoftmax(1).mul(eye).sum().neg(), logits.getShape().get(0));
  }
}
