package org.medclip.training.pipeline;

import java.nio.file.Path;
import org.medclip.training.data.SyntheticCorpusGenerator;

/** A tiny synthetic corpus and config for fast pipeline tests. */
final class TinyCorpus {
  private TinyCorpus() {}

  /** 40 training images (36 train + 4 validation) and 12 test images, written under {@code dir}. */
  static Path generate(Path dir) throws Exception {
    Path root = dir.resolve("corpus");
    SyntheticCorpusGenerator.generate(root, 7, 40, 12, 0, 2, false);
    return root;
  }

  /**
   * The tiny architecture (32x32 images), batch 8, 2 epochs of 24 samples (3 steps each), nothing
   * evaluated on test, one loader thread with two batches ahead.
   */
  static TrainingConfig config() throws Exception {
    return TrainingConfig.defaults()
        .set("model", "tiny", "test")
        .set("batch_size", "8", "test")
        .set("epochs", "2", "test")
        .set("samples_per_epoch", "24", "test")
        .set("learning_rate", "1e-3", "test")
        .set("validation_batch_size", "8", "test")
        .set("eval_batch_size", "8", "test")
        .set("loader_threads", "1", "test")
        .set("prefetch_batches", "2", "test")
        .set("evaluate_baseline", "false", "test")
        .set("evaluate_test", "false", "test")
        .set("version", "test", "test")
        .validated("test");
  }
}
