package org.medclip.backend.search;

import java.nio.file.Path;

/**
 * An image uploaded for search, as the HTTP layer stored it.
 *
 * @param size size in bytes
 * @param file the temporary file holding the upload
 */
public record UploadedImage(long size, Path file) {}
