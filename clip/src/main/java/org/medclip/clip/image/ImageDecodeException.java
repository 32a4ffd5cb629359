package org.medclip.clip.image;

import java.util.Objects;

/**
 * An image could not be turned into pixels. Always names the offending input (file name or the
 * caller's label) and carries a machine-readable {@link Reason}, so a batch can report per item
 * what went wrong without parsing messages.
 */
public final class ImageDecodeException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why decoding failed. */
  public enum Reason {
    /** Zero bytes. */
    EMPTY,
    /** The bytes are not an image in any format we recognise (text, random bytes, PDF, ...). */
    NOT_AN_IMAGE,
    /**
     * A recognised image format or pixel layout that is not supported (TIFF, WebP, DICOM, a JPEG
     * colour layout ImageIO cannot read, ...).
     */
    UNSUPPORTED_FORMAT,
    /** A supported format whose data is damaged or truncated. */
    CORRUPT,
    /** The header announces more pixels (or the file has more bytes) than we accept. */
    TOO_LARGE,
    /** The file could not be read from storage (missing, permission, I/O error). */
    IO_ERROR
  }

  private final Reason reason;
  private final String name;

  /**
   * @param reason why decoding failed
   * @param name the file name or label of the input, used in the message
   * @param detail human-readable detail
   * @param cause the underlying exception, or {@code null}
   */
  public ImageDecodeException(Reason reason, String name, String detail, Throwable cause) {
    super(name + ": " + reason + ": " + detail, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.name = name;
  }

  /**
   * @param reason why decoding failed
   * @param name the file name or label of the input, used in the message
   * @param detail human-readable detail
   */
  public ImageDecodeException(Reason reason, String name, String detail) {
    this(reason, name, detail, null);
  }

  /** Why decoding failed. */
  public Reason reason() {
    return reason;
  }

  /** The file name or label of the input that failed. */
  public String name() {
    return name;
  }
}
