package org.medclip.clip;

/**
 * How a {@link ClipEncoder} runs its ONNX sessions.
 *
 * @param batchSize items per ONNX run ({@code >= 1}); larger batches amortise overhead, smaller
 *     ones bound memory ({@code batchSize x 3 x S x S} floats per image run)
 * @param intraOpThreads threads one run may use; {@code 0} = ONNX Runtime's default (all cores).
 *     Servers answering many concurrent queries usually want 1 to 2
 * @param useCuda try the CUDA execution provider (needs the {@code onnxruntime_gpu} jar and CUDA
 *     12); falls back to the CPU with one log line
 * @param cudaDevice CUDA device id
 */
public record EncoderOptions(int batchSize, int intraOpThreads, boolean useCuda, int cudaDevice) {

  public EncoderOptions {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    if (intraOpThreads < 0) {
      throw new IllegalArgumentException("intraOpThreads must be >= 0, got " + intraOpThreads);
    }
    if (cudaDevice < 0) {
      throw new IllegalArgumentException("cudaDevice must be >= 0, got " + cudaDevice);
    }
  }

  /** Batch 32, ONNX Runtime's default threads, CPU. */
  public static EncoderOptions defaults() {
    return new EncoderOptions(32, 0, false, 0);
  }

  /** A copy with another batch size. */
  public EncoderOptions withBatchSize(int size) {
    return new EncoderOptions(size, intraOpThreads, useCuda, cudaDevice);
  }

  /** A copy with another intra-op thread count. */
  public EncoderOptions withIntraOpThreads(int threads) {
    return new EncoderOptions(batchSize, threads, useCuda, cudaDevice);
  }

  /** A copy that tries CUDA device {@code device}. */
  public EncoderOptions withCuda(int device) {
    return new EncoderOptions(batchSize, intraOpThreads, true, device);
  }
}
