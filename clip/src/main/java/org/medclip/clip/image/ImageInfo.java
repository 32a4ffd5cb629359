package org.medclip.clip.image;

/**
 * What an image header says, read without decoding pixels.
 *
 * @param format lower-case format name: {@code png}, {@code jpeg}, {@code gif} or {@code bmp}
 * @param width pixels per row as declared by the header
 * @param height rows as declared by the header
 */
public record ImageInfo(String format, int width, int height) {

  /** Number of pixels, as a long (width and height may each be up to 2^31 - 1). */
  public long pixels() {
    return (long) width * height;
  }
}
