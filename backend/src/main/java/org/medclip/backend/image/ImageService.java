package org.medclip.backend.image;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.medclip.backend.common.ApiException;
import org.medclip.backend.image.ImageRepository.ImageRow;

/**
 * Image metadata, thumbnails and original files. Ids that are not corpus ids are refused before any
 * database or file access; file locations never leave the server.
 */
@ApplicationScoped
public class ImageService {

  /**
   * Bytes to send with their strong validator.
   *
   * @param etag SHA-256 of the content, lower-case hex (without quotes)
   */
  public record ImageBytes(byte[] bytes, String etag) {}

  /**
   * An original file to send.
   *
   * @param etag SHA-256 of the file as recorded at ingest, lower-case hex
   */
  public record ImageFile(Path file, String mediaType, String etag) {}

  private final ImageRepository images;
  private final ImageFileRepository files;

  public ImageService(ImageRepository images, ImageFileRepository files) {
    this.images = images;
    this.files = files;
  }

  /** An image's metadata. */
  public ImageResponse findImageById(String id) {
    ImageRow row = images.find(checkId(id)).orElseThrow(() -> unknown(id));
    return new ImageResponse(
        row.id(),
        row.split(),
        row.caption(),
        row.width(),
        row.height(),
        row.hasThumbnail() ? "/api/images/" + row.id() + "/thumbnail" : null,
        "/api/images/" + row.id() + "/file");
  }

  /** An image's JPEG thumbnail. */
  public ImageBytes thumbnail(String id) {
    byte[] jpeg = images.findThumbnail(checkId(id)).orElseThrow(() -> unknown(id)).jpeg();
    if (jpeg == null) {
      throw ApiException.notFound("Image " + id + " has no thumbnail.");
    }
    return new ImageBytes(jpeg, sha256(jpeg));
  }

  /** An image's original file under the image root. */
  public ImageFile originalFile(String id) {
    ImageRow row = images.find(checkId(id)).orElseThrow(() -> unknown(id));
    Path file =
        files
            .resolve(row.id(), row.fileLocation())
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        "The original file of image " + id + " is not available."));
    return new ImageFile(file, files.mediaType(file), HexFormat.of().formatHex(row.contentHash()));
  }

  private static String checkId(String id) {
    if (!ImageIds.isValid(id)) {
      throw ApiException.notFound("No image has this id.");
    }
    return id;
  }

  private static ApiException unknown(String id) {
    return ApiException.notFound("No image has id " + id + ".");
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
