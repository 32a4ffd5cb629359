package org.medclip.training.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medclip.clip.ClipConfig;
import org.medclip.training.onnx.TestWeights;
import org.medclip.training.weights.NamedTensor;
import org.medclip.training.weights.StateDict;

class SafetensorsTest {
  @TempDir Path dir;

  @Test
  void writesTheReferenceImplementationsBytes() throws IOException {
    StateDict sd = new StateDict();
    sd.put("b", new NamedTensor(new long[] {2}, new float[] {1f, 2f}));
    sd.put("a", new NamedTensor(new long[0], new float[] {3.5f}));
    Path f = dir.resolve("x.safetensors");
    Safetensors.write(sd, f);

    // what safetensors.torch.save_file({"b": ..., "a": ...}, f, {"format": "pt"}) writes
    String header =
        "{\"__metadata__\":{\"format\":\"pt\"},"
            + "\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
    int padded = (header.length() + 7) / 8 * 8;
    ByteBuffer want = ByteBuffer.allocate(8 + padded + 12).order(ByteOrder.LITTLE_ENDIAN);
    want.putLong(padded).put(header.getBytes(StandardCharsets.UTF_8));
    while (want.position() < 8 + padded) {
      want.put((byte) ' ');
    }
    want.putFloat(3.5f).putFloat(1f).putFloat(2f);
    assertArrayEquals(want.array(), Files.readAllBytes(f));
  }

  @Test
  void roundTripIsBitwiseAndHeaderIsAligned() throws IOException {
    StateDict sd = TestWeights.random(ClipConfig.tiny(), 3);
    sd.put("zero_size", new NamedTensor(new long[] {0, 4}, new float[0]));
    sd.put(
        "special",
        new NamedTensor(
            new long[] {4},
            new float[] {-0f, Float.NaN, Float.MIN_VALUE, Float.POSITIVE_INFINITY}));
    Path f = dir.resolve("m.safetensors");
    Safetensors.write(sd, f);

    Safetensors.Header h = Safetensors.readHeader(f);
    assertEquals(0, h.dataStart() % 8);
    assertEquals(Map.of("format", "pt"), h.metadata());
    List<String> keys = List.copyOf(h.tensors().keySet());
    assertEquals(keys.stream().sorted().toList(), keys);

    StateDict back = Safetensors.read(f);
    assertEquals(sd.size(), back.size());
    for (Map.Entry<String, NamedTensor> e : sd.asMap().entrySet()) {
      NamedTensor b = back.get(e.getKey());
      assertArrayEquals(e.getValue().shape(), b.shape(), e.getKey());
      assertArrayEquals(e.getValue().data(), b.data(), e.getKey()); // floatToIntBits equality
    }
  }

  @Test
  void halfPrecisionAndDoubleAreWidened() throws IOException {
    Path f = dir.resolve("h.safetensors");
    ByteBuffer f64 =
        ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(-3);
    new RawSafetensors()
        .u16("h", "F16", new long[] {2, 3}, 0x3C00, 0xC000, 0x7BFF, 0x0001, 0x7C00, 0x3555)
        .u16("b", "BF16", new long[] {2}, 0x3F00, 0xC2F7)
        .add("d", "F64", new long[] {2}, f64.array())
        .write(f);
    StateDict sd = Safetensors.read(f);
    assertArrayEquals(
        new float[] {1f, -2f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY, 0.333251953125f},
        sd.get("h").data());
    assertArrayEquals(new long[] {2, 3}, sd.get("h").shape());
    assertArrayEquals(new float[] {0.5f, -123.5f}, sd.get("b").data());
    assertArrayEquals(new float[] {0.1f, -3f}, sd.get("d").data());
  }

  @Test
  void integerTensorsAreSkippedWhenIgnoredAndRejectedOtherwise() throws IOException {
    Path f = dir.resolve("i.safetensors");
    new RawSafetensors()
        .f32("w", new long[] {1}, 1f)
        .i64("text_model.embeddings.position_ids", new long[] {1, 3}, 0, 1, 2)
        .write(f);
    StateDict sd = Safetensors.read(f, HfKeys.IGNORED_BUFFERS);
    assertEquals(Set.of("w"), sd.asMap().keySet());
    IOException e = assertThrows(IOException.class, () -> Safetensors.read(f));
    assertTrue(
        e.getMessage().contains("text_model.embeddings.position_ids")
            && e.getMessage().contains("I64"),
        e.getMessage());
  }

  @Test
  void corruptFilesAreRejectedWithTheReason() throws IOException {
    Path f = dir.resolve("c.safetensors");
    byte[] eight = new byte[8];

    Files.write(f, new byte[] {1, 2, 3});
    assertCorrupt(f, "shorter than the header length");

    ByteBuffer huge = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
    Files.write(f, huge.array());
    assertCorrupt(f, "header length");

    RawSafetensors.writeRaw(f, "{\"a\": {\"dtype\": \"F32\", \"sha", eight);
    assertCorrupt(f, "not JSON");

    RawSafetensors.writeRaw(f, "[1, 2]", eight);
    assertCorrupt(f, "not a JSON object");

    RawSafetensors.writeRaw(
        f, "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", eight);
    assertCorrupt(f, "needs 12 bytes");

    RawSafetensors.writeRaw(
        f, "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", eight);
    assertCorrupt(f, "not contiguous");

    RawSafetensors.writeRaw(
        f, "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", eight);
    assertCorrupt(f, "cover 4 bytes but the data section has 8");

    RawSafetensors.writeRaw(
        f, "{\"a\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,8]}}", eight);
    assertCorrupt(f, "unknown dtype Q4");

    RawSafetensors.writeRaw(
        f, "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,16]}}", eight);
    assertCorrupt(f, "outside the data section");

    RawSafetensors.writeRaw(
        f,
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
            + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
        eight);
    assertCorrupt(f, "not JSON");
  }

  @Test
  void tensorsBeyondTwoGibibytesAreRead() throws IOException {
    // a sparse file: 2 GiB + 16 bytes of skipped padding, then a small tensor past the 2^31 mark
    long big = (1L << 31) + 16;
    String header =
        "{\"pad\":{\"dtype\":\"U8\",\"shape\":["
            + big
            + "],\"data_offsets\":[0,"
            + big
            + "]},\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":["
            + big
            + ","
            + (big + 8)
            + "]}}";
    Path f = dir.resolve("big.safetensors");
    RawSafetensors.writeRaw(f, header, new byte[0]);
    long dataStart = Files.size(f);
    try (var raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(dataStart + big + 8);
      raf.seek(dataStart + big);
      ByteBuffer w =
          ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-7f);
      raf.write(w.array());
    }
    StateDict sd = Safetensors.read(f, Set.of("pad"));
    assertArrayEquals(new float[] {1.5f, -7f}, sd.get("w").data());
  }

  @Test
  void writeLeavesNoPartialFiles() throws IOException {
    StateDict sd = new StateDict();
    sd.put("a", new NamedTensor(new long[] {1}, new float[] {1}));
    Path f = dir.resolve("sub/a.safetensors");
    Safetensors.write(sd, f);
    Safetensors.write(sd, f); // replaces
    try (var s = Files.list(f.getParent())) {
      assertEquals(List.of(f), s.toList());
    }
    assertFalse(Files.exists(dir.resolve("sub/a.safetensors.part")));
  }

  @Test
  void halfToFloatIsExactForEveryValue() {
    for (int bits = 0; bits < 0x10000; bits++) {
      float got = Safetensors.halfToFloat((short) bits);
      int exp = (bits >>> 10) & 0x1f;
      int mant = bits & 0x3ff;
      double want;
      if (exp == 0x1f) {
        want = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
      } else if (exp == 0) {
        want = mant * Math.pow(2, -24);
      } else {
        want = (1 + mant / 1024.0) * Math.pow(2, exp - 15);
      }
      if ((bits & 0x8000) != 0) {
        want = -want;
      }
      if (Double.isNaN(want)) {
        assertTrue(Float.isNaN(got), Integer.toHexString(bits));
      } else {
        assertEquals((float) want, got, 0f, Integer.toHexString(bits));
        assertEquals(
            want < 0 || (want == 0 && (bits & 0x8000) != 0),
            (Float.floatToRawIntBits(got) >>> 31) == 1);
      }
    }
  }

  private static void assertCorrupt(Path f, String fragment) {
    IOException e = assertThrows(IOException.class, () -> Safetensors.read(f));
    assertTrue(
        e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
    assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
  }
}
