package org.medclip.backend.image;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The original image files under the configured root ({@code medclip.images.root}). A file location
 * can never address a file outside the root: it is resolved, normalised and must stay under the
 * root, also after following symbolic links.
 */
@ApplicationScoped
public class ImageFileRepository {
  private static final Logger LOG = Logger.getLogger(ImageFileRepository.class);

  private final Path root;

  public ImageFileRepository(@ConfigProperty(name = "medclip.images.root") String root) {
    this.root = Path.of(root).toAbsolutePath().normalize();
  }

  /** The file of a location relative to the root, if it is a readable regular file inside it. */
  public Optional<Path> resolve(String imageId, String fileLocation) {
    if (fileLocation == null || fileLocation.isEmpty() || fileLocation.indexOf('\0') >= 0) {
      return Optional.empty();
    }
    Path file;
    try {
      Path relative = Path.of(fileLocation);
      if (relative.isAbsolute()) {
        LOG.warnf("Image %s: its file location is absolute; refused", imageId);
        return Optional.empty();
      }
      file = root.resolve(relative).normalize();
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
    if (!file.startsWith(root)) {
      LOG.warnf("Image %s: its file location leaves the image root; refused", imageId);
      return Optional.empty();
    }
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      if (!file.toRealPath().startsWith(root.toRealPath())) {
        LOG.warnf("Image %s: its file is a link out of the image root; refused", imageId);
        return Optional.empty();
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.of(file);
  }

  /** The media type from the file's magic bytes (the formats ingest accepts). */
  public String mediaType(Path file) {
    byte[] head = new byte[8];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, head.length);
    } catch (IOException e) {
      return "application/octet-stream";
    }
    if (n >= 3
        && (head[0] & 0xFF) == 0xFF
        && (head[1] & 0xFF) == 0xD8
        && (head[2] & 0xFF) == 0xFF) {
      return "image/jpeg";
    }
    if (n >= 8 && (head[0] & 0xFF) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G') {
      return "image/png";
    }
    if (n >= 4 && head[0] == 'G' && head[1] == 'I' && head[2] == 'F' && head[3] == '8') {
      return "image/gif";
    }
    if (n >= 2 && head[0] == 'B' && head[1] == 'M') {
      return "image/bmp";
    }
    return "application/octet-stream";
  }
}
