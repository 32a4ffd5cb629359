package org.medclip.clip.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads the small Pillow-made fixtures under {@code src/test/resources/image/}. */
final class Fixtures {

  private Fixtures() {}

  static byte[] bytes(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/image/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource /image/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Largest absolute difference between two unsigned byte arrays of equal length. */
  static int maxByteDiff(byte[] a, byte[] b) {
    if (a.length != b.length) {
      throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
    }
    int max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs((a[i] & 0xFF) - (b[i] & 0xFF)));
    }
    return max;
  }
}
