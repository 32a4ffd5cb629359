package org.medclip.clip.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * One ONNX Runtime session of an encoder graph with exactly one input and one named float32 output
 * of shape {@code [N, D]}. The building block of {@code ClipEncoder}.
 *
 * <p>Thread safety: {@link OrtSession#run} is thread-safe, so one session is shared by all callers;
 * {@link #close()} must not race with {@link #run} (the caller guards that).
 */
public final class EncoderSession implements AutoCloseable {

  private final Path file;
  private final OrtSession session;
  private final String inputName;
  private final String outputName;
  private final long[] inputShape;
  private final int dimension;
  private final String provider;

  private EncoderSession(
      Path file,
      OrtSession session,
      String inputName,
      String outputName,
      long[] inputShape,
      int dimension,
      String provider) {
    this.file = file;
    this.session = session;
    this.inputName = inputName;
    this.outputName = outputName;
    this.inputShape = inputShape;
    this.dimension = dimension;
    this.provider = provider;
  }

  /**
   * Opens a graph and checks its signature.
   *
   * @param file the {@code .onnx} file
   * @param providers session options factory (threads, execution provider)
   * @param inputName the only input
   * @param inputType its element type
   * @param expectedInput expected input shape; {@code -1} entries accept any size, a graph's own
   *     {@code -1} (symbolic) dims accept any expectation
   * @param outputName the output read
   * @param dimension expected last dim of the output ({@code D})
   * @return the session
   * @throws GraphMismatchException when the graph's signature differs
   * @throws OrtException when ONNX Runtime cannot load the file
   */
  public static EncoderSession open(
      Path file,
      SessionFactory providers,
      String inputName,
      OnnxJavaType inputType,
      long[] expectedInput,
      String outputName,
      int dimension)
      throws OrtException, GraphMismatchException {
    SessionFactory.Opened opened = providers.open(file);
    OrtSession session = opened.session();
    try {
      Map<String, NodeInfo> inputs = session.getInputInfo();
      if (inputs.size() != 1 || !inputs.containsKey(inputName)) {
        throw new GraphMismatchException(
            "expects exactly one input '" + inputName + "', the graph has " + inputs.keySet());
      }
      TensorInfo in = tensorInfo(inputs.get(inputName), inputName);
      if (in.type != inputType) {
        throw new GraphMismatchException(
            "input '" + inputName + "' must be " + inputType + ", the graph has " + in.type);
      }
      long[] shape = in.getShape();
      if (!compatible(shape, expectedInput)) {
        throw new GraphMismatchException(
            "input '"
                + inputName
                + "' must have shape "
                + Arrays.toString(expectedInput)
                + " (-1 = any), the graph has "
                + Arrays.toString(shape));
      }
      NodeInfo outInfo = session.getOutputInfo().get(outputName);
      if (outInfo == null) {
        throw new GraphMismatchException(
            "has no output '" + outputName + "', only " + session.getOutputInfo().keySet());
      }
      TensorInfo out = tensorInfo(outInfo, outputName);
      if (out.type != OnnxJavaType.FLOAT
          || !compatible(out.getShape(), new long[] {-1, dimension})) {
        throw new GraphMismatchException(
            "output '"
                + outputName
                + "' must be FLOAT [N, "
                + dimension
                + "], the graph has "
                + out.type
                + " "
                + Arrays.toString(out.getShape()));
      }
      return new EncoderSession(
          file, session, inputName, outputName, shape, dimension, opened.provider());
    } catch (OrtException | GraphMismatchException | RuntimeException e) {
      session.close();
      throw e;
    }
  }

  /** The graph's declared input shape ({@code -1} for symbolic dims). */
  public long[] inputShape() {
    return inputShape.clone();
  }

  /** {@code CUDA} or {@code CPU}. */
  public String provider() {
    return provider;
  }

  /**
   * Runs one batch.
   *
   * @param input the input tensor, {@code rows} in its first dim (closed by the caller)
   * @param rows batch size
   * @return row-major {@code rows x D} floats
   * @throws OrtException when ONNX Runtime fails
   * @throws GraphMismatchException when the output's shape is not {@code [rows, D]}
   */
  public float[] run(OnnxTensor input, int rows) throws OrtException, GraphMismatchException {
    try (OrtSession.Result result = session.run(Map.of(inputName, input))) {
      Optional<OnnxValue> value = result.get(outputName);
      if (value.isEmpty() || !(value.get() instanceof OnnxTensor tensor)) {
        throw new GraphMismatchException("returned no tensor '" + outputName + "'");
      }
      long[] shape = tensor.getInfo().getShape();
      if (shape.length != 2 || shape[0] != rows || shape[1] != dimension) {
        throw new GraphMismatchException(
            "returned '"
                + outputName
                + "' of shape "
                + Arrays.toString(shape)
                + ", expected ["
                + rows
                + ", "
                + dimension
                + "]");
      }
      FloatBuffer buffer = tensor.getFloatBuffer();
      float[] out = new float[rows * dimension];
      buffer.get(out);
      return out;
    }
  }

  /** The shared environment all sessions live in. */
  public static OrtEnvironment environment() {
    return OrtEnvironment.getEnvironment();
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }

  @Override
  public String toString() {
    return "EncoderSession[" + file.getFileName() + ", " + provider + "]";
  }

  private static TensorInfo tensorInfo(NodeInfo node, String name) throws GraphMismatchException {
    if (!(node.getInfo() instanceof TensorInfo info)) {
      throw new GraphMismatchException("'" + name + "' is not a tensor");
    }
    return info;
  }

  private static boolean compatible(long[] actual, long[] expected) {
    if (actual.length != expected.length) {
      return false;
    }
    for (int i = 0; i < actual.length; i++) {
      if (actual[i] >= 0 && expected[i] >= 0 && actual[i] != expected[i]) {
        return false;
      }
    }
    return true;
  }

  /** The graph's inputs or outputs are not what the model bundle contract says. */
  public static final class GraphMismatchException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what differs, phrased to follow the graph's file name
     */
    public GraphMismatchException(String message) {
      super(message);
    }
  }
}
