package org.medclip.training.model;

import ai.djl.pytorch.jni.JniUtils;
import java.util.function.Supplier;

/**
 * Switches PyTorch autograd recording. libtorch's grad mode is thread-local and on by default in a
 * new thread; DJL turns it off only on the thread that loads the engine and turns it on inside a
 * {@code GradientCollector}. Inference and in-place parameter updates run inside {@link #off} so
 * they neither build graphs nor trip the "leaf variable used in an in-place operation" check.
 */
public final class GradMode {
  private GradMode() {}

  /** Runs {@code body} with grad mode off on this thread, then restores the previous mode. */
  public static <T> T off(Supplier<T> body) {
    boolean previous = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      return body.get();
    } finally {
      JniUtils.setGradMode(previous);
    }
  }

  /** Runs {@code body} with grad mode off on this thread, then restores the previous mode. */
  public static void off(Runnable body) {
    off(
        () -> {
          body.run();
          return null;
        });
  }
}
