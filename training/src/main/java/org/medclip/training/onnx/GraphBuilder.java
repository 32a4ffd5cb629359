package org.medclip.training.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Small helper over the ONNX protobuf builders: unique value names, initializers in little-endian
 * {@code raw_data}, nodes with attributes, and cached constants. Not thread-safe; one per graph.
 */
final class GraphBuilder {
  static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
  static final int INT32 = TensorProto.DataType.INT32_VALUE;
  static final int INT64 = TensorProto.DataType.INT64_VALUE;

  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private final Set<String> names = new HashSet<>();
  private final Map<String, String> constants = new HashMap<>();

  GraphBuilder(String name) {
    graph.setName(name);
  }

  GraphProto build() {
    return graph.build();
  }

  /**
   * Declares a graph input or output tensor. Each dimension is a Long (fixed) or a String
   * (symbolic, e.g. "batch").
   */
  void input(String name, int elemType, Object... dims) {
    claim(name);
    graph.addInput(valueInfo(name, elemType, dims));
  }

  void output(String name, int elemType, Object... dims) {
    graph.addOutput(valueInfo(name, elemType, dims));
  }

  /** A float32 initializer; {@code data} is row-major in {@code dims}. Returns its name. */
  String floats(String name, long[] dims, float[] data) {
    claim(name);
    ByteBuffer b = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(data);
    graph.addInitializer(
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(FLOAT)
            .addAllDims(Arrays.stream(dims).boxed().toList())
            .setRawData(UnsafeByteOperations.unsafeWrap(b.array())));
    return name;
  }

  /** An int64 initializer. Returns its name. */
  String longs(String name, long[] dims, long[] data) {
    claim(name);
    ByteBuffer b = ByteBuffer.allocate(8 * data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(data);
    graph.addInitializer(
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(INT64)
            .addAllDims(Arrays.stream(dims).boxed().toList())
            .setRawData(UnsafeByteOperations.unsafeWrap(b.array())));
    return name;
  }

  /** A shared 1-D int64 constant, created once per distinct value. */
  String int64Vector(long... values) {
    String key = "i64" + Arrays.toString(values);
    return constants.computeIfAbsent(
        key,
        k ->
            longs(
                "const_i64_" + Arrays.toString(values).replaceAll("[^0-9-]+", "_"),
                new long[] {values.length},
                values));
  }

  /** A shared int64 scalar constant (shape []). */
  String int64Scalar(long value) {
    return constants.computeIfAbsent(
        "i64s" + value, k -> longs("const_i64_scalar_" + value, new long[0], new long[] {value}));
  }

  /** A shared float32 scalar constant (shape []). */
  String floatScalar(float value) {
    return constants.computeIfAbsent(
        "f32s" + Float.floatToIntBits(value),
        k ->
            floats(
                "const_f32_" + Integer.toHexString(Float.floatToIntBits(value)),
                new long[0],
                new float[] {value}));
  }

  /** Adds a node with one output named {@code out} (made unique if taken); returns that name. */
  String node(String opType, String out, String[] inputs, AttributeProto... attrs) {
    String name = unique(out);
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(name + "/" + opType);
    for (String in : inputs) {
      n.addInput(in);
    }
    n.addOutput(name);
    for (AttributeProto a : attrs) {
      n.addAttribute(a);
    }
    graph.addNode(n);
    return name;
  }

  String node(String opType, String out, String in0, AttributeProto... attrs) {
    return node(opType, out, new String[] {in0}, attrs);
  }

  String node(String opType, String out, String in0, String in1, AttributeProto... attrs) {
    return node(opType, out, new String[] {in0, in1}, attrs);
  }

  static AttributeProto attr(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  static AttributeProto attr(String name, float value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.FLOAT)
        .setF(value)
        .build();
  }

  static AttributeProto attrInts(String name, long... values) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  private String unique(String base) {
    String name = base;
    for (int i = 1; names.contains(name); i++) {
      name = base + "_" + i;
    }
    names.add(name);
    return name;
  }

  private void claim(String name) {
    if (!names.add(name)) {
      throw new IllegalStateException("duplicate ONNX value name " + name);
    }
  }

  private static ValueInfoProto valueInfo(String name, int elemType, Object... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
      if (d instanceof String s) {
        dim.setDimParam(s);
      } else {
        dim.setDimValue(((Number) d).longValue());
      }
      shape.addDim(dim);
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape)))
        .build();
  }
}
