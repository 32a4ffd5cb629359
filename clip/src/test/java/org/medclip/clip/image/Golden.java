package org.medclip.clip.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared golden files ({@code ../shared/golden} next to the project root). */
final class Golden {

  private Golden() {}

  /**
   * The {@code shared/golden} directory: {@code ../shared/golden} from the project root, which is
   * {@code ../../shared/golden} from a module directory (Maven's working directory for tests).
   */
  static Path root() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (String candidate : new String[] {"../shared/golden", "../../shared/golden"}) {
      Path p = dir.resolve(candidate).normalize();
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    throw new IllegalStateException(
        "shared/golden not found from " + dir + " (tried ../shared/golden, ../../shared/golden)");
  }

  /** The clip-preprocess golden set. */
  static Path clipPreprocess() {
    return root().resolve("clip-preprocess");
  }

  /** Reads a little-endian float32 file. */
  static float[] readF32(Path file) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[buf.remaining() / 4];
    buf.asFloatBuffer().get(out);
    return out;
  }
}
