package org.medclip.backend.image;

import java.util.regex.Pattern;

/** Corpus image ids, as the schema's CHECK constraint on {@code image.id} defines them. */
public final class ImageIds {
  /** Letters, digits, '.', '_', '-'; no path separators, no leading dot; 1 to 200 characters. */
  public static final Pattern PATTERN = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$");

  private ImageIds() {}

  /** Whether {@code id} can be a corpus id (checked before any database or file access). */
  public static boolean isValid(String id) {
    return id != null && PATTERN.matcher(id).matches();
  }
}
