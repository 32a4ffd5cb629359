package org.medclip.backend.status;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.medclip.backend.status.StatusResponse.Corpus;
import org.medclip.backend.status.StatusResponse.Database;
import org.medclip.backend.status.StatusResponse.Model;

/** Reads server versions, the active model and the corpus size in one connection. */
@ApplicationScoped
public class StatusRepository {
  private final AgroalDataSource dataSource;

  public StatusRepository(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Everything the status page shows; throws when the database cannot be queried. */
  public StatusResponse read() throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement st = c.createStatement()) {
      String version;
      String pgvector = null;
      try (ResultSet rs = st.executeQuery("SHOW server_version")) {
        rs.next();
        version = rs.getString(1).split(" ")[0];
      }
      try (ResultSet rs =
          st.executeQuery("SELECT extversion FROM pg_extension WHERE extname = 'vector'")) {
        if (rs.next()) {
          pgvector = rs.getString(1);
        }
      }
      Model model = new Model("none", null, null, null);
      try (ResultSet rs =
          st.executeQuery("SELECT id, name, dimension FROM model WHERE state = 'active'")) {
        if (rs.next()) {
          model = new Model("active", rs.getLong(1), rs.getString(2), rs.getInt(3));
        }
      }
      long images;
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM image")) {
        rs.next();
        images = rs.getLong(1);
      }
      return new StatusResponse(
          new Database("up", version, pgvector, null), model, new Corpus(images));
    }
  }
}
