package org.medclip.backend.model;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.medclip.backend.common.ApiException;
import org.medclip.backend.db.DatabaseException;
import org.medclip.backend.db.SqlFunctionErrors;

/**
 * Table {@code model} and the model functions of the migrations. Every call takes a pooled
 * connection and gives it back, so the service recovers by itself after a database outage.
 */
@ApplicationScoped
public class ModelRepository {
  private static final String COLUMNS = "id, name, dimension, state, bundle_location";
  private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {};

  private final AgroalDataSource dataSource;
  private final ObjectMapper json;

  public ModelRepository(AgroalDataSource dataSource, ObjectMapper json) {
    this.dataSource = dataSource;
    this.json = json;
  }

  /** The serving model, if any (the database guarantees at most one). */
  public Optional<ModelRow> findActive() {
    return findOne("SELECT " + COLUMNS + " FROM model WHERE state = 'active'", null);
  }

  /** A model by id. */
  public Optional<ModelRow> findById(long id) {
    return findOne("SELECT " + COLUMNS + " FROM model WHERE id = ?", id);
  }

  /** Every model with its number of embedded images, oldest first. */
  public List<ModelResponse> list() {
    return listWhere(null);
  }

  /** One model with its number of embedded images. */
  public Optional<ModelResponse> describe(long id) {
    return listWhere(id).stream().findFirst();
  }

  /**
   * Makes the model the serving one and retires the previous one, in one transaction (SQL {@code
   * activate_model}).
   *
   * @throws ApiException 404 when the model does not exist
   */
  public void activate(long id) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT activate_model(?)")) {
      ps.setLong(1, id);
      ps.execute();
    } catch (SQLException e) {
      if (SqlFunctionErrors.raisedMessage(e).isPresent()) {
        throw ApiException.notFound("No model has id " + id + ".");
      }
      throw new DatabaseException(e);
    }
  }

  private Optional<ModelRow> findOne(String sql, Long id) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      if (id != null) {
        ps.setLong(1, id);
      }
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new ModelRow(
                rs.getLong("id"),
                rs.getString("name"),
                rs.getInt("dimension"),
                rs.getString("state"),
                rs.getString("bundle_location")));
      }
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
  }

  /** All models ({@code id} null) or one. */
  private List<ModelResponse> listWhere(Long id) {
    String sql =
        "SELECT id, name, state, dimension, embedded_images, created_at, metrics::text"
            + " FROM model_catalog WHERE (?::bigint IS NULL OR id = ?::bigint) ORDER BY id";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, id, Types.BIGINT);
      ps.setObject(2, id, Types.BIGINT);
      try (ResultSet rs = ps.executeQuery()) {
        return rows(rs);
      }
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
  }

  private List<ModelResponse> rows(ResultSet rs) throws SQLException {
    List<ModelResponse> out = new ArrayList<>();
    while (rs.next()) {
      out.add(
          new ModelResponse(
              rs.getLong(1),
              rs.getString(2),
              rs.getString(3),
              rs.getInt(4),
              rs.getLong(5),
              rs.getObject(6, OffsetDateTime.class),
              metrics(rs.getString(7))));
    }
    return out;
  }

  private Map<String, Object> metrics(String text) {
    try {
      return text == null ? Map.of() : json.readValue(text, JSON_OBJECT);
    } catch (IOException e) {
      return Map.of();
    }
  }
}
