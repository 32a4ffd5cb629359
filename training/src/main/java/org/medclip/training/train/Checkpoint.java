package org.medclip.training.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.medclip.training.weights.NamedTensor;
import org.medclip.training.weights.StateDict;

/**
 * A training checkpoint: model weights (HF keys), AdamW moments and the optimizer step count, so
 * that resuming continues bit-for-bit where training stopped.
 *
 * <p>File layout (big-endian header fields, little-endian float32 data): magic {@code
 * MEDCLIPCKPT1}, step count (int64), then three sections (weights, exp_avg, exp_avg_sq), each an
 * int32 tensor count followed by tensors (UTF key, int32 rank, int64 dims, float32 values). Written
 * to a temporary file and moved into place, so a crash never leaves a half-written checkpoint.
 *
 * @param step optimizer updates applied
 * @param weights model parameters by HF key
 * @param firstMoments AdamW m by the same keys
 * @param secondMoments AdamW v by the same keys
 */
public record Checkpoint(
    long step, StateDict weights, StateDict firstMoments, StateDict secondMoments) {
  private static final byte[] MAGIC =
      "MEDCLIPCKPT1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** Writes atomically (temporary file + move). */
  public void save(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      try (OutputStream os = Files.newOutputStream(tmp);
          DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 20))) {
        out.write(MAGIC);
        out.writeLong(step);
        for (StateDict sd : new StateDict[] {weights, firstMoments, secondMoments}) {
          writeSection(out, sd);
        }
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Reads a checkpoint written by {@link #save}. */
  public static Checkpoint load(Path file) throws IOException {
    try (InputStream is = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new BufferedInputStream(is, 1 << 20))) {
      byte[] magic = new byte[MAGIC.length];
      in.readFully(magic);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new IOException("not a medclip checkpoint: " + file);
      }
      long step = in.readLong();
      StateDict w = readSection(in);
      StateDict m = readSection(in);
      StateDict v = readSection(in);
      return new Checkpoint(step, w, m, v);
    }
  }

  private static void writeSection(DataOutputStream out, StateDict sd) throws IOException {
    out.writeInt(sd.size());
    for (Map.Entry<String, NamedTensor> e : sd.asMap().entrySet()) {
      out.writeUTF(e.getKey());
      long[] shape = e.getValue().shape();
      out.writeInt(shape.length);
      for (long d : shape) {
        out.writeLong(d);
      }
      float[] data = e.getValue().data();
      ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < data.length; ) {
        buf.clear();
        int n = Math.min(data.length - i, buf.capacity() / 4);
        buf.asFloatBuffer().put(data, i, n);
        out.write(buf.array(), 0, n * 4);
        i += n;
      }
    }
  }

  private static StateDict readSection(DataInputStream in) throws IOException {
    int count = in.readInt();
    StateDict sd = new StateDict();
    byte[] bytes = new byte[1 << 16];
    for (int t = 0; t < count; t++) {
      String key = in.readUTF();
      int rank = in.readInt();
      long[] shape = new long[rank];
      long n = 1;
      for (int i = 0; i < rank; i++) {
        shape[i] = in.readLong();
        n *= shape[i];
      }
      float[] data = new float[Math.toIntExact(n)];
      for (int i = 0; i < data.length; ) {
        int k = Math.min(data.length - i, bytes.length / 4);
        in.readFully(bytes, 0, k * 4);
        ByteBuffer.wrap(bytes, 0, k * 4)
            .order(ByteOrder.LITTLE_ENDIAN)
            .asFloatBuffer()
            .get(data, i, k);
        i += k;
      }
      sd.put(key, new NamedTensor(shape, data));
    }
    return sd;
  }
}
