package org.medclip.clip.image;

/**
 * A decoded 8-bit RGB image: interleaved {@code R, G, B} bytes (unsigned, 0..255), row-major, no
 * padding, so pixel {@code (x, y)} channel {@code c} is {@code rgb[(y * width + x) * 3 + c] &
 * 0xFF}.
 *
 * <p>The array is not copied; callers must not mutate it after construction. As a record holding an
 * array, {@code equals} compares the array by identity.
 *
 * @param width pixels per row, positive
 * @param height rows, positive
 * @param rgb {@code width * height * 3} bytes
 */
public record RgbImage(int width, int height, byte[] rgb) {

  /** Validates the dimensions against the buffer length. */
  public RgbImage {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "image size must be positive, got " + width + "x" + height);
    }
    if (rgb == null || rgb.length != (long) width * height * 3) {
      throw new IllegalArgumentException(
          "rgb must hold width*height*3 = "
              + ((long) width * height * 3)
              + " bytes, got "
              + (rgb == null ? "null" : rgb.length));
    }
  }

  /** Channel {@code c} (0 = R, 1 = G, 2 = B) of pixel {@code (x, y)}, 0..255. */
  public int get(int x, int y, int c) {
    return rgb[(y * width + x) * 3 + c] & 0xFF;
  }
}
