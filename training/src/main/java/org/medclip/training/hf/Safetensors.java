package org.medclip.training.hf;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.medclip.training.weights.NamedTensor;
import org.medclip.training.weights.StateDict;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format
 * in plain Java.
 *
 * <p>Layout: an unsigned little-endian 64-bit header length {@code N}, {@code N} bytes of UTF-8
 * JSON ({@code {"__metadata__": {...}, "key": {"dtype", "shape", "data_offsets": [begin, end]}}},
 * offsets relative to the first byte after the header), then the tensor bytes, little-endian,
 * row-major, packed without gaps. Files of any size are read with positional reads (no 2 GiB limit
 * on the file); a single tensor must fit a Java {@code float[]}.
 *
 * <p>Writing follows the reference implementation: F32 only, tensors sorted by key (byte order),
 * data in that order, {@code __metadata__} first, the header padded with spaces so the data starts
 * at a multiple of 8 bytes.
 */
public final class Safetensors {

  /** The reference implementation's limit on the JSON header, in bytes. */
  static final long MAX_HEADER_BYTES = 100_000_000L;

  private static final int CHUNK_BYTES = 1 << 24;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /**
   * One tensor's header entry.
   *
   * @param dtype safetensors dtype name ({@code F32}, {@code F16}, {@code BF16}, {@code I64}, ...)
   * @param shape dimensions, empty for a scalar
   * @param begin first byte, relative to the start of the data section
   * @param end one past the last byte, relative to the start of the data section
   */
  public record TensorInfo(String dtype, long[] shape, long begin, long end) {}

  /**
   * A parsed and validated header.
   *
   * @param metadata the {@code __metadata__} string map (empty when absent)
   * @param tensors entries in data order
   * @param dataStart absolute file offset of the data section (8 + header length)
   */
  public record Header(
      Map<String, String> metadata, Map<String, TensorInfo> tensors, long dataStart) {}

  private Safetensors() {}

  /** Reads every tensor of {@code file}; see {@link #read(Path, Set)}. */
  public static StateDict read(Path file) throws IOException {
    return read(file, Set.of());
  }

  /**
   * Reads the floating-point tensors of {@code file} into a {@link StateDict} (in data order),
   * converting F16, BF16 and F64 to float32.
   *
   * @param ignoredKeys keys that are skipped whatever their dtype (e.g. HF's int64 {@code
   *     position_ids} buffers)
   * @throws IOException when the file is not valid safetensors, or a tensor that is not ignored has
   *     a non-float dtype or more values than a Java array holds
   */
  public static StateDict read(Path file, Set<String> ignoredKeys) throws IOException {
    Header header = readHeader(file);
    StateDict out = new StateDict();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      for (Map.Entry<String, TensorInfo> e : header.tensors().entrySet()) {
        if (ignoredKeys.contains(e.getKey())) {
          continue;
        }
        TensorInfo info = e.getValue();
        int width = floatWidth(info.dtype());
        if (width == 0) {
          throw new IOException(
              file
                  + ": tensor "
                  + e.getKey()
                  + " has dtype "
                  + info.dtype()
                  + "; only F32, F16, BF16 and F64 weights can be read");
        }
        long numel = HfKeys.numel(info.shape());
        if (numel > Integer.MAX_VALUE - 8) {
          throw new IOException(
              file
                  + ": tensor "
                  + e.getKey()
                  + " has "
                  + numel
                  + " values, too many for one array");
        }
        float[] data = new float[(int) numel];
        readFloats(ch, header.dataStart() + info.begin(), info.dtype(), data);
        out.put(e.getKey(), new NamedTensor(info.shape().clone(), data));
      }
    }
    return out;
  }

  /**
   * Parses and validates the header of {@code file}: length within the file and under 100 MB, JSON
   * object, known dtypes, non-negative shapes, byte ranges that match the shapes and tile the data
   * section exactly.
   */
  public static Header readHeader(Path file) throws IOException {
    long size = Files.size(file);
    if (size < 8) {
      throw new IOException(
          "corrupt safetensors file "
              + file
              + ": "
              + size
              + " bytes, shorter than the header length");
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, 0, lenBuf);
      long n = lenBuf.flip().getLong();
      if (n < 2 || n > MAX_HEADER_BYTES || n > size - 8) {
        throw new IOException(
            "corrupt safetensors header in "
                + file
                + ": header length "
                + Long.toUnsignedString(n)
                + " is impossible for a file of "
                + size
                + " bytes");
      }
      ByteBuffer hb = ByteBuffer.allocate((int) n);
      readFully(ch, 8, hb);
      JsonNode root;
      try {
        root = JSON.readTree(new String(hb.array(), StandardCharsets.UTF_8));
      } catch (JsonProcessingException ex) {
        throw new IOException(
            "corrupt safetensors header in "
                + file
                + ": not JSON ("
                + ex.getOriginalMessage()
                + ")",
            ex);
      }
      if (root == null || !root.isObject()) {
        throw new IOException("corrupt safetensors header in " + file + ": not a JSON object");
      }
      try {
        return parseHeader(file, root, 8 + n, size - 8 - n);
      } catch (ArithmeticException ex) {
        throw corrupt(file, "a shape's size overflows 64 bits");
      }
    }
  }

  private static Header parseHeader(Path file, JsonNode root, long dataStart, long dataLength)
      throws IOException {
    Map<String, String> metadata = new LinkedHashMap<>();
    List<Map.Entry<String, TensorInfo>> entries = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      String key = f.getKey();
      JsonNode v = f.getValue();
      if ("__metadata__".equals(key)) {
        if (!v.isObject()) {
          throw corrupt(file, "__metadata__ is not an object");
        }
        Iterator<Map.Entry<String, JsonNode>> m = v.fields();
        while (m.hasNext()) {
          Map.Entry<String, JsonNode> me = m.next();
          if (!me.getValue().isTextual()) {
            throw corrupt(file, "__metadata__." + me.getKey() + " is not a string");
          }
          metadata.put(me.getKey(), me.getValue().asText());
        }
        continue;
      }
      JsonNode dtype = v.get("dtype");
      JsonNode shape = v.get("shape");
      JsonNode offsets = v.get("data_offsets");
      if (dtype == null
          || !dtype.isTextual()
          || shape == null
          || !shape.isArray()
          || offsets == null
          || !offsets.isArray()
          || offsets.size() != 2) {
        throw corrupt(file, "entry " + key + " lacks dtype, shape or data_offsets [begin, end]");
      }
      int elemBytes = elementBytes(dtype.asText());
      if (elemBytes == 0) {
        throw corrupt(file, "entry " + key + " has unknown dtype " + dtype.asText());
      }
      long[] dims = new long[shape.size()];
      long numel = 1;
      for (int i = 0; i < dims.length; i++) {
        JsonNode d = shape.get(i);
        if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
          throw corrupt(file, "entry " + key + " has an invalid shape " + shape);
        }
        dims[i] = d.asLong();
        numel = Math.multiplyExact(numel, dims[i]);
      }
      JsonNode b = offsets.get(0);
      JsonNode e = offsets.get(1);
      if (!b.isIntegralNumber() || !e.isIntegralNumber()) {
        throw corrupt(file, "entry " + key + " has non-integer data_offsets " + offsets);
      }
      long begin = b.asLong();
      long end = e.asLong();
      if (begin < 0 || end < begin || end > dataLength) {
        throw corrupt(
            file,
            "entry "
                + key
                + " has data_offsets "
                + offsets
                + " outside the data section of "
                + dataLength
                + " bytes");
      }
      if (end - begin != Math.multiplyExact(numel, elemBytes)) {
        throw corrupt(
            file,
            "entry "
                + key
                + ": shape "
                + Arrays.toString(dims)
                + " of "
                + dtype.asText()
                + " needs "
                + numel * elemBytes
                + " bytes but data_offsets span "
                + (end - begin));
      }
      entries.add(Map.entry(key, new TensorInfo(dtype.asText(), dims, begin, end)));
    }
    entries.sort(
        Comparator.comparingLong((Map.Entry<String, TensorInfo> x) -> x.getValue().begin())
            .thenComparingLong(x -> x.getValue().end()));
    long expected = 0;
    Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, TensorInfo> x : entries) {
      if (x.getValue().begin() != expected) {
        throw corrupt(
            file,
            "tensor data is not contiguous at "
                + x.getKey()
                + " (begins at "
                + x.getValue().begin()
                + ", expected "
                + expected
                + ")");
      }
      expected = x.getValue().end();
      tensors.put(x.getKey(), x.getValue());
    }
    if (expected != dataLength) {
      throw corrupt(
          file, "tensors cover " + expected + " bytes but the data section has " + dataLength);
    }
    return new Header(
        Collections.unmodifiableMap(metadata), Collections.unmodifiableMap(tensors), dataStart);
  }

  /**
   * Writes {@code weights} as F32 with {@code __metadata__ = {"format": "pt"}} (what HF expects).
   */
  public static void write(StateDict weights, Path file) throws IOException {
    write(weights, Map.of("format", "pt"), file);
  }

  /**
   * Writes {@code weights} as F32, keys sorted, {@code metadata} as {@code __metadata__}. The file
   * is written next to {@code file} and moved into place, so readers never see a partial file.
   */
  public static void write(StateDict weights, Map<String, String> metadata, Path file)
      throws IOException {
    Map<String, NamedTensor> sorted = new TreeMap<>(weights.asMap());
    ObjectNode root = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = root.putObject("__metadata__");
      new TreeMap<>(metadata).forEach(meta::put);
    }
    long offset = 0;
    for (Map.Entry<String, NamedTensor> e : sorted.entrySet()) {
      ObjectNode t = root.putObject(e.getKey());
      t.put("dtype", "F32");
      ArrayNode shape = t.putArray("shape");
      for (long d : e.getValue().shape()) {
        shape.add(d);
      }
      long bytes = 4L * e.getValue().data().length;
      t.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] json = JSON.writeValueAsBytes(root);
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(json);
    while (head.hasRemaining()) {
      head.put((byte) ' ');
    }
    head.flip();

    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    // a sibling created with the umask's permissions (createTempFile would make it owner-only)
    Path tmp = dir.resolve(file.getFileName() + "." + UUID.randomUUID() + ".part");
    try {
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        writeFully(ch, head);
        ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (NamedTensor t : sorted.values()) {
          float[] data = t.data();
          int i = 0;
          while (i < data.length) {
            buf.clear();
            int n = Math.min(data.length - i, CHUNK_BYTES / 4);
            buf.asFloatBuffer().put(data, i, n);
            buf.limit(4 * n);
            writeFully(ch, buf);
            i += n;
          }
        }
      }
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException ex) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void readFloats(FileChannel ch, long pos, String dtype, float[] out)
      throws IOException {
    int width = floatWidth(dtype);
    int perChunk = CHUNK_BYTES / width;
    ByteBuffer buf = ByteBuffer.allocate(perChunk * width).order(ByteOrder.LITTLE_ENDIAN);
    int i = 0;
    while (i < out.length) {
      int n = Math.min(out.length - i, perChunk);
      buf.clear().limit(n * width);
      readFully(ch, pos + (long) i * width, buf);
      buf.flip();
      switch (dtype) {
        case "F32" -> buf.asFloatBuffer().get(out, i, n);
        case "F64" -> {
          for (int k = 0; k < n; k++) {
            out[i + k] = (float) buf.getDouble();
          }
        }
        case "F16" -> {
          for (int k = 0; k < n; k++) {
            out[i + k] = halfToFloat(buf.getShort());
          }
        }
        case "BF16" -> {
          for (int k = 0; k < n; k++) {
            out[i + k] = Float.intBitsToFloat((buf.getShort() & 0xffff) << 16);
          }
        }
        default -> throw new IllegalStateException(dtype);
      }
      i += n;
    }
  }

  /** IEEE 754 binary16 to float32, exact (subnormals, infinities and NaN included). */
  static float halfToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      // subnormal or zero: mant * 2^-24, exact in float32
      float v = mant * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  /** Bytes per element of a floating dtype this reader converts; 0 for any other dtype. */
  private static int floatWidth(String dtype) {
    return switch (dtype) {
      case "F32" -> 4;
      case "F16", "BF16" -> 2;
      case "F64" -> 8;
      default -> 0;
    };
  }

  /** Bytes per element of every dtype the format defines; 0 when unknown. */
  private static int elementBytes(String dtype) {
    return switch (dtype) {
      case "BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3" -> 1;
      case "U16", "I16", "F16", "BF16" -> 2;
      case "U32", "I32", "F32" -> 4;
      case "U64", "I64", "F64" -> 8;
      default -> 0;
    };
  }

  private static IOException corrupt(Path file, String what) {
    return new IOException("corrupt safetensors header in " + file + ": " + what);
  }

  private static void readFully(FileChannel ch, long pos, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      int r = ch.read(buf, pos);
      if (r < 0) {
        throw new IOException("unexpected end of file at byte " + pos);
      }
      pos += r;
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }
}
