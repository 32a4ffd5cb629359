package org.medclip.training.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Map;

/** Runs an exported encoder with ONNX Runtime on the CPU (test helper). */
public final class OrtRunner implements AutoCloseable {
  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
  private final OrtSession session;

  private OrtRunner(OrtSession session) {
    this.session = session;
  }

  public static OrtRunner of(byte[] model) throws OrtException {
    return new OrtRunner(ENV.createSession(model, new OrtSession.SessionOptions()));
  }

  public static OrtRunner of(Path model) throws OrtException {
    return new OrtRunner(ENV.createSession(model.toString(), new OrtSession.SessionOptions()));
  }

  public OrtSession session() {
    return session;
  }

  /** {@code pixel_values} [n, 3, s, s] -> {@code image_embeds} rows. */
  public float[][] images(float[] chw, int n, int s) throws OrtException {
    try (OnnxTensor in =
            OnnxTensor.createTensor(ENV, FloatBuffer.wrap(chw), new long[] {n, 3, s, s});
        OrtSession.Result r = session.run(Map.of(OnnxExporter.PIXEL_VALUES, in))) {
      return (float[][]) r.get(OnnxExporter.IMAGE_EMBEDS).orElseThrow().getValue();
    }
  }

  /** {@code input_ids} [n, L] -> {@code text_embeds} rows. */
  public float[][] texts(long[][] ids) throws OrtException {
    int n = ids.length;
    int len = ids[0].length;
    long[] flat = new long[n * len];
    for (int i = 0; i < n; i++) {
      System.arraycopy(ids[i], 0, flat, i * len, len);
    }
    try (OnnxTensor in = OnnxTensor.createTensor(ENV, LongBuffer.wrap(flat), new long[] {n, len});
        OrtSession.Result r = session.run(Map.of(OnnxExporter.INPUT_IDS, in))) {
      return (float[][]) r.get(OnnxExporter.TEXT_EMBEDS).orElseThrow().getValue();
    }
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
