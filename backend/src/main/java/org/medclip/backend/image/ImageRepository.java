package org.medclip.backend.image;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.medclip.backend.db.DatabaseException;

/** Table {@code image}: metadata, thumbnails and file locations. */
@ApplicationScoped
public class ImageRepository {

  /**
   * An image row without its thumbnail bytes.
   *
   * @param fileLocation relative to the image root; server-side only
   * @param contentHash SHA-256 of the original file (32 bytes)
   */
  public record ImageRow(
      String id,
      String split,
      String caption,
      int width,
      int height,
      boolean hasThumbnail,
      String fileLocation,
      byte[] contentHash) {}

  /**
   * A stored thumbnail.
   *
   * @param jpeg the JPEG bytes, or null when the image has no thumbnail
   */
  public record Thumbnail(byte[] jpeg) {}

  private final AgroalDataSource dataSource;

  public ImageRepository(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** An image's row, if the id exists. */
  public Optional<ImageRow> find(String id) {
    String sql =
        "SELECT id, split, caption, width, height, thumbnail IS NOT NULL, file_location,"
            + " content_hash FROM image WHERE id = ?";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new ImageRow(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getInt(4),
                rs.getInt(5),
                rs.getBoolean(6),
                rs.getString(7),
                rs.getBytes(8)));
      }
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
  }

  /** An image's thumbnail, if the id exists (its bytes may be null). */
  public Optional<Thumbnail> findThumbnail(String id) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT thumbnail FROM image WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(new Thumbnail(rs.getBytes(1))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
  }
}
