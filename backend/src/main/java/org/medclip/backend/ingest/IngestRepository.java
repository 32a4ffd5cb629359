package org.medclip.backend.ingest;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.medclip.backend.db.DatabaseException;

/**
 * Writes ingested images and their vectors: each batch in one transaction with batched {@code
 * INSERT ... ON CONFLICT DO UPDATE}, so a killed job leaves whole batches only and a re-run
 * converges to one row per image.
 */
@ApplicationScoped
public class IngestRepository {

  /** What is stored for an image already. */
  record Stored(
      byte[] contentHash, boolean hasVector, String split, String caption, String fileLocation) {}

  /** New caption, split and file location of an unchanged, embedded image. */
  record Metadata(String id, String split, String caption, String fileLocation) {}

  /**
   * One image to write.
   *
   * @param vector its embedding under the job's model
   * @param changed whether a stored row had another content hash (its other vectors are stale)
   */
  record Row(
      String id,
      String split,
      String caption,
      String fileLocation,
      int width,
      int height,
      byte[] contentHash,
      byte[] thumbnail,
      float[] vector,
      boolean changed) {}

  private static final String UPSERT_IMAGE =
      "INSERT INTO image (id, split, caption, file_location, width, height, content_hash,"
          + " thumbnail) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
          + " split = EXCLUDED.split, caption = EXCLUDED.caption,"
          + " file_location = EXCLUDED.file_location, width = EXCLUDED.width,"
          + " height = EXCLUDED.height, content_hash = EXCLUDED.content_hash,"
          + " thumbnail = EXCLUDED.thumbnail";
  private static final String UPSERT_VECTOR =
      "INSERT INTO image_embedding (image_id, model_id, embedding) VALUES (?, ?, ?::vector)"
          + " ON CONFLICT (image_id, model_id) DO UPDATE SET embedding = EXCLUDED.embedding";
  private static final String UPDATE_METADATA =
      "UPDATE image SET split = ?, caption = ?, file_location = ? WHERE id = ?";
  private static final String DROP_STALE_VECTORS =
      "DELETE FROM image_embedding WHERE image_id = ? AND model_id <> ?";

  private final AgroalDataSource dataSource;

  public IngestRepository(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Content hash of every stored image and whether it has a vector under {@code modelId}. */
  Map<String, Stored> stored(long modelId) {
    String sql =
        "SELECT i.id, i.content_hash, e.image_id IS NOT NULL, i.split, i.caption,"
            + " i.file_location FROM image i"
            + " LEFT JOIN image_embedding e ON e.image_id = i.id AND e.model_id = ?";
    Map<String, Stored> out = new HashMap<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, modelId);
      ps.setFetchSize(10_000);
      c.setAutoCommit(false); // lets the driver stream with the fetch size
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(
              rs.getString(1),
              new Stored(
                  rs.getBytes(2),
                  rs.getBoolean(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6)));
        }
      }
      c.commit();
      c.setAutoCommit(true);
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
    return out;
  }

  /**
   * Writes a batch in one transaction: images and their vectors under {@code modelId}, and the new
   * metadata of unchanged images.
   */
  void write(long modelId, List<Row> rows, List<Metadata> metadata) {
    if (rows.isEmpty() && metadata.isEmpty()) {
      return;
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement images = c.prepareStatement(UPSERT_IMAGE);
          PreparedStatement updates = c.prepareStatement(UPDATE_METADATA);
          PreparedStatement stale = c.prepareStatement(DROP_STALE_VECTORS);
          PreparedStatement vectors = c.prepareStatement(UPSERT_VECTOR)) {
        boolean anyStale = false;
        for (Row r : rows) {
          images.setString(1, r.id());
          images.setString(2, r.split());
          images.setString(3, r.caption());
          images.setString(4, r.fileLocation());
          images.setInt(5, r.width());
          images.setInt(6, r.height());
          images.setBytes(7, r.contentHash());
          images.setBytes(8, r.thumbnail());
          images.addBatch();
          if (r.changed()) {
            stale.setString(1, r.id());
            stale.setLong(2, modelId);
            stale.addBatch();
            anyStale = true;
          }
          vectors.setString(1, r.id());
          vectors.setLong(2, modelId);
          vectors.setString(3, vectorLiteral(r.vector()));
          vectors.addBatch();
        }
        for (Metadata m : metadata) {
          updates.setString(1, m.split());
          updates.setString(2, m.caption());
          updates.setString(3, m.fileLocation());
          updates.setString(4, m.id());
          updates.addBatch();
        }
        if (!rows.isEmpty()) {
          images.executeBatch();
        }
        if (!metadata.isEmpty()) {
          updates.executeBatch();
        }
        if (anyStale) {
          stale.executeBatch();
        }
        if (!rows.isEmpty()) {
          vectors.executeBatch();
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
  }

  private static String vectorLiteral(float[] v) {
    StringBuilder sb = new StringBuilder(v.length * 12).append('[');
    for (int i = 0; i < v.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(v[i]);
    }
    return sb.append(']').toString();
  }
}
