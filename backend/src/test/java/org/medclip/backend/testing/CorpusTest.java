package org.medclip.backend.testing;

import io.agroal.api.AgroalDataSource;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the resource tests that need the shared corpus: makes sure it is in the database before
 * each test (cheap when it is; other test classes empty the tables).
 */
public abstract class CorpusTest {
  @Inject protected AgroalDataSource dataSource;

  @ConfigProperty(name = "medclip.test.root")
  protected String testRoot;

  protected TestCorpus.Models models;

  @BeforeEach
  void corpus() throws SQLException, IOException {
    models = TestCorpus.ensure(dataSource, Path.of(testRoot));
  }

  protected void execute(String sql) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }
}
