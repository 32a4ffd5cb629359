package org.medclip.backend.search;

import com.pgvector.PGvector;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.medclip.backend.common.ApiException;
import org.medclip.backend.db.DatabaseException;
import org.medclip.backend.db.SqlFunctionErrors;
import org.medclip.backend.model.ModelService;

/**
 * Calls the SQL search functions of db/migration V2 (the search engine: ranking, fusion and
 * ordering all happen there) with bound parameters only, and joins each hit with its image's
 * metadata in the function's order ({@code WITH ORDINALITY}).
 *
 * <p>Errors the functions raise for people (SQLSTATE 22023, P0002) become 400, 404, 409 or 503
 * problems with their sentence; any other database error is internal.
 */
@ApplicationScoped
public class SearchRepository {
  private static final String FILTERS =
      "p_split => ?::text, p_has_caption => ?::boolean, p_min_width => ?::integer,"
          + " p_min_height => ?::integer";
  private static final String PAGE = "p_limit => ?::integer, p_offset => ?::integer";

  private static final String TEXT =
      "search_text(p_query => ?::text, " + PAGE + ", " + FILTERS + ")";
  private static final String VECTOR =
      "search_vector(p_query => ?::vector, " + PAGE + ", " + FILTERS + ", p_model_id => ?::bigint)";
  private static final String HYBRID =
      "search_hybrid(p_query => ?::text, p_query_vector => ?::vector,"
          + " p_alpha => ?::double precision, p_fusion => ?::text, "
          + PAGE
          + ", "
          + FILTERS
          + ", p_model_id => ?::bigint)";
  private static final String SIMILAR =
      "search_similar(p_image_id => ?::text, p_mode => ?::text, p_alpha => ?::double precision,"
          + " p_fusion => ?::text, "
          + PAGE
          + ", "
          + FILTERS
          + ")";

  /**
   * A hit with its image's metadata.
   *
   * @param hasThumbnail whether the image has a stored thumbnail
   */
  public record HitRow(
      String id,
      Double textScore,
      Double vectorScore,
      double score,
      String snippet,
      String split,
      String caption,
      int width,
      int height,
      boolean hasThumbnail) {}

  private final AgroalDataSource dataSource;

  public SearchRepository(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Caption full-text search ({@code search_text}). */
  public List<HitRow> text(String query, int limit, int offset, SearchFilters filters) {
    return runWithHead(TEXT, new Object[] {query}, limit, offset, filters, null);
  }

  /** Nearest images to a vector of model {@code modelId} ({@code search_vector}). */
  public List<HitRow> vector(
      float[] vector, long modelId, int limit, int offset, SearchFilters filters) {
    return runWithHead(
        VECTOR, new Object[] {new PGvector(vector)}, limit, offset, filters, modelId);
  }

  /** Text and vector fused ({@code search_hybrid}). */
  public List<HitRow> hybrid(
      String query,
      float[] vector,
      long modelId,
      double alpha,
      String fusion,
      int limit,
      int offset,
      SearchFilters filters) {
    return runWithHead(
        HYBRID,
        new Object[] {query, new PGvector(vector), alpha, fusion},
        limit,
        offset,
        filters,
        modelId);
  }

  /** Images similar to a corpus image under the active model ({@code search_similar}). */
  public List<HitRow> similar(
      String imageId,
      String mode,
      double alpha,
      String fusion,
      int limit,
      int offset,
      SearchFilters filters) {
    return runWithHead(
        SIMILAR, new Object[] {imageId, mode, alpha, fusion}, limit, offset, filters, null);
  }

  private List<HitRow> runWithHead(
      String call, Object[] head, int limit, int offset, SearchFilters filters, Long modelId) {
    String sql =
        "SELECT s.image_id, s.text_score, s.vector_score, s.score, s.snippet,"
            + " i.split, i.caption, i.width, i.height, i.thumbnail IS NOT NULL"
            + " FROM "
            + call
            + " WITH ORDINALITY AS s(image_id, text_score, vector_score, score, snippet, ord)"
            + " JOIN image i ON i.id = s.image_id"
            + " ORDER BY s.ord";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      for (Object value : head) {
        ps.setObject(i++, value);
      }
      ps.setInt(i++, limit);
      ps.setInt(i++, offset);
      setNullable(ps, i++, filters.split(), Types.VARCHAR);
      setNullable(ps, i++, filters.hasCaption(), Types.BOOLEAN);
      setNullable(ps, i++, filters.minWidth(), Types.INTEGER);
      setNullable(ps, i++, filters.minHeight(), Types.INTEGER);
      if (modelId != null) {
        ps.setLong(i, modelId);
      }
      List<HitRow> hits = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          hits.add(
              new HitRow(
                  rs.getString(1),
                  rs.getObject(2, Double.class),
                  rs.getObject(3, Double.class),
                  rs.getDouble(4),
                  rs.getString(5),
                  rs.getString(6),
                  rs.getString(7),
                  rs.getInt(8),
                  rs.getInt(9),
                  rs.getBoolean(10)));
        }
      }
      return hits;
    } catch (SQLException e) {
      throw translate(e);
    }
  }

  private static void setNullable(PreparedStatement ps, int index, Object value, int sqlType)
      throws SQLException {
    if (value == null) {
      ps.setNull(index, sqlType);
    } else {
      ps.setObject(index, value, sqlType);
    }
  }

  /** Our functions' own messages become problems; anything else stays internal. */
  static RuntimeException translate(SQLException e) {
    Optional<String> raised = SqlFunctionErrors.raisedMessage(e);
    if (raised.isEmpty()) {
      return new DatabaseException(e);
    }
    String message = raised.get();
    if (SqlFunctionErrors.INVALID_PARAMETER.equals(e.getSQLState())) {
      return ApiException.badRequest(SqlFunctionErrors.sentence(message));
    }
    if (message.startsWith("no model is active")) {
      return ApiException.unavailable(ModelService.NO_ACTIVE_MODEL);
    }
    if (message.startsWith("image ") && message.endsWith(" does not exist")) {
      return ApiException.notFound(SqlFunctionErrors.sentence(message));
    }
    if (message.contains(" has no vector ")) {
      return ApiException.conflict(SqlFunctionErrors.sentence(message));
    }
    // "model % does not exist": the serving model was dropped during the request.
    return ApiException.unavailable("The serving model changed during the search; try again.");
  }
}
