package org.medclip.clip.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.lang.System.Logger.Level;
import java.nio.file.Path;

/**
 * Creates ONNX Runtime sessions with one configuration: intra-op thread count and execution
 * provider. With {@code useCuda} it tries the CUDA execution provider once; when that fails (CPU
 * build of ONNX Runtime, no CUDA 12 libraries, no device) it logs one line and this factory and all
 * later sessions it opens use the CPU.
 *
 * <p>Thread-safe.
 */
public final class SessionFactory {

  private static final System.Logger LOG = System.getLogger(SessionFactory.class.getName());

  private final int intraOpThreads;
  private final int cudaDevice;
  private volatile boolean tryCuda;

  /**
   * @param intraOpThreads threads one run may use; {@code 0} = ONNX Runtime's default (all cores)
   * @param useCuda whether to try the CUDA execution provider
   * @param cudaDevice CUDA device id
   */
  public SessionFactory(int intraOpThreads, boolean useCuda, int cudaDevice) {
    if (intraOpThreads < 0) {
      throw new IllegalArgumentException("intraOpThreads must be >= 0, got " + intraOpThreads);
    }
    this.intraOpThreads = intraOpThreads;
    this.tryCuda = useCuda;
    this.cudaDevice = cudaDevice;
  }

  /**
   * A session and the provider it runs on.
   *
   * @param session the session
   * @param provider {@code CUDA} or {@code CPU}
   */
  public record Opened(OrtSession session, String provider) {}

  /**
   * Opens a session for a model file.
   *
   * @param model the {@code .onnx} file
   * @return the session and its provider
   * @throws OrtException when the model cannot be loaded
   */
  public Opened open(Path model) throws OrtException {
    if (tryCuda) {
      synchronized (this) {
        if (tryCuda) {
          try {
            return new Opened(create(model, true), "CUDA");
          } catch (OrtException | RuntimeException | LinkageError e) {
            tryCuda = false;
            LOG.log(
                Level.WARNING,
                "CUDA execution provider unavailable ({0}); running ONNX models on the CPU",
                String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
          }
        }
      }
    }
    return new Opened(create(model, false), "CPU");
  }

  private OrtSession create(Path model, boolean cuda) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      if (intraOpThreads > 0) {
        options.setIntraOpNumThreads(intraOpThreads);
      }
      if (cuda) {
        options.addCUDA(cudaDevice);
      }
      return env.createSession(model.toString(), options);
    }
  }
}
