package org.medclip.training.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Test set-up for the PyTorch engine. Tests use one intra-op thread: the tiny models gain nothing
 * from more, and on a shared 2-core machine libgomp's spinning threads made a tiny step ~30x slower
 * (measured: ~600 ms vs ~20 ms per step under load).
 */
public final class TestEngine {
  private TestEngine() {}

  /** Starts the engine (offline) and sets libtorch's intra-op threads to 1. */
  public static void singleThreaded() {
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(1);
  }
}
