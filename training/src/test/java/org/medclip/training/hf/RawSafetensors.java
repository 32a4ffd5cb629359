package org.medclip.training.hf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds safetensors files byte by byte, including broken ones (test helper). */
final class RawSafetensors {
  private final List<String> entries = new ArrayList<>();
  private final java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();

  /** Appends a tensor with the given dtype, shape and little-endian bytes. */
  RawSafetensors add(String key, String dtype, long[] shape, byte[] bytes) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < shape.length; i++) {
      s.append(i == 0 ? "" : ",").append(shape[i]);
    }
    int begin = data.size();
    data.writeBytes(bytes);
    entries.add(
        "\""
            + key
            + "\":{\"dtype\":\""
            + dtype
            + "\",\"shape\":["
            + s
            + "],\"data_offsets\":["
            + begin
            + ","
            + data.size()
            + "]}");
    return this;
  }

  RawSafetensors f32(String key, long[] shape, float... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return add(key, "F32", shape, b.array());
  }

  RawSafetensors i64(String key, long[] shape, long... values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    return add(key, "I64", shape, b.array());
  }

  RawSafetensors u16(String key, String dtype, long[] shape, int... halfBits) {
    ByteBuffer b = ByteBuffer.allocate(2 * halfBits.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : halfBits) {
      b.putShort((short) v);
    }
    return add(key, dtype, shape, b.array());
  }

  String headerJson() {
    return "{\"__metadata__\":{\"format\":\"pt\"}," + String.join(",", entries) + "}";
  }

  void write(Path file) throws IOException {
    writeRaw(file, headerJson(), data.toByteArray());
  }

  /** Writes an arbitrary header text (padded to 8 bytes) followed by {@code payload}. */
  static void writeRaw(Path file, String header, byte[] payload) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    int padded = (h.length + 7) / 8 * 8;
    ByteBuffer b = ByteBuffer.allocate(8 + padded + payload.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(padded).put(h);
    for (int i = h.length; i < padded; i++) {
      b.put((byte) ' ');
    }
    b.put(payload);
    Files.write(file, b.array());
  }
}
