package org.medclip.backend.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.medclip.backend.testing.Sql;

/**
 * Repository-level checks of schema v1 against the real local PostgreSQL with pgvector, after the
 * real Flyway migrations ran at start-up.
 */
@QuarkusTest
class SchemaTest {
  @Inject AgroalDataSource dataSource;

  @ConfigProperty(name = "quarkus.datasource.jdbc.url")
  String jdbcUrl;

  @BeforeEach
  void emptyTables() throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement st = c.createStatement()) {
      st.execute("SELECT drop_model(id) FROM model");
      st.execute("DELETE FROM image");
    }
  }

  @Test
  void pgvectorExtensionIsInstalled() throws SQLException {
    String version = queryString("SELECT extversion FROM pg_extension WHERE extname = 'vector'");
    assertTrue(version != null && version.compareTo("0.7") >= 0, "pgvector version " + version);
  }

  @Test
  void atMostOneModelIsActive() throws SQLException {
    long first = registerModel("first", 3);
    long second = registerModel("second", 3);
    execute("UPDATE model SET state = 'active' WHERE id = " + first);
    SQLException e =
        assertThrows(
            SQLException.class,
            () -> execute("UPDATE model SET state = 'active' WHERE id = " + second));
    assertEquals("23505", e.getSQLState(), "unique violation expected: " + e.getMessage());

    // activate_model switches in one transaction and can go back.
    execute("SELECT activate_model(" + second + ")");
    assertEquals("retired", queryString("SELECT state FROM model WHERE id = " + first));
    assertEquals("active", queryString("SELECT state FROM model WHERE id = " + second));
    execute("SELECT activate_model(" + first + ")");
    assertEquals("active", queryString("SELECT state FROM model WHERE id = " + first));
    assertEquals("1", queryString("SELECT count(*) FROM model WHERE state = 'active'"));
  }

  @Test
  void deletingAnImageOrAModelCascadesToItsEmbeddings() throws SQLException {
    long model = registerModel("cascade", 3);
    insertImage("img-1");
    insertImage("img-2");
    insertEmbedding("img-1", model, "[1,0,0]");
    insertEmbedding("img-2", model, "[0,1,0]");

    execute("DELETE FROM image WHERE id = 'img-1'");
    assertEquals("1", queryString("SELECT count(*) FROM image_embedding"));

    execute("SELECT drop_model(" + model + ")");
    assertEquals("0", queryString("SELECT count(*) FROM image_embedding"));
    assertEquals(
        "0",
        queryString(
            "SELECT count(*) FROM pg_indexes WHERE indexname = 'image_embedding_hnsw_m"
                + model
                + "'"));
  }

  @Test
  void embeddingsMustHaveTheModelsDimension() throws SQLException {
    long model = registerModel("dims", 3);
    insertImage("img-1");
    SQLException e =
        assertThrows(SQLException.class, () -> insertEmbedding("img-1", model, "[1,0,0,0]"));
    assertEquals("23514", e.getSQLState());
  }

  @Test
  void embeddingsOfClipSizesStayInTheRow() throws SQLException {
    // V6: a 512-d vector (2,056 bytes) is over the TOAST threshold; with the type's default
    // storage it went to the TOAST table, and every HNSW hit paid a TOAST lookup to read it.
    assertEquals(
        "m",
        queryString(
            "SELECT attstorage FROM pg_attribute"
                + " WHERE attrelid = 'image_embedding'::regclass AND attname = 'embedding'"));
    long small = registerModel("vit-b", 512);
    long large = registerModel("vit-l", 768);
    for (int i = 0; i < 5; i++) {
      insertImage("img-" + i);
    }
    // Rows written to the TOAST table by this transaction, counted by the statistics system.
    long toasted;
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        // Random (incompressible) vectors of each model's dimension for the five images.
        st.executeUpdate(
            "INSERT INTO image_embedding (image_id, model_id, embedding)"
                + " SELECT i.id, m.id, (SELECT array_agg(random() - 0.5)"
                + " FROM generate_series(1, m.dimension))::vector"
                + " FROM image i, model m WHERE m.id IN ("
                + small
                + ", "
                + large
                + ")");
        try (ResultSet rs =
            st.executeQuery(
                "SELECT pg_stat_get_xact_tuples_inserted(reltoastrelid),"
                    + " pg_stat_get_xact_tuples_inserted(oid)"
                    + " FROM pg_class WHERE oid = 'image_embedding'::regclass")) {
          rs.next();
          toasted = rs.getLong(1);
          assertEquals(10, rs.getLong(2), "rows inserted into image_embedding");
        }
      }
      c.commit();
    }
    assertEquals(0, toasted, "TOAST rows written for 10 embeddings");
    assertEquals(
        "10",
        queryString("SELECT count(*) FROM image_embedding WHERE vector_dims(embedding) > 500"));
  }

  @Test
  void imageIdsCannotAddressOtherFiles() {
    for (String bad : List.of("../etc/passwd", "a/b", ".hidden", "")) {
      assertThrows(SQLException.class, () -> insertImage(bad), bad);
    }
  }

  @Test
  void cosineQueryUsesTheModelsPartialHnswIndex() throws SQLException {
    long model = registerModel("hnsw", 3);
    long other = registerModel("other", 2);
    String[] vectors = {"[1,0,0]", "[0.9,0.1,0]", "[0,1,0]", "[0,0,1]", "[0.7,0.7,0]"};
    for (int i = 0; i < vectors.length; i++) {
      insertImage("img-" + i);
      insertEmbedding("img-" + i, model, vectors[i]);
    }
    insertEmbedding("img-0", other, "[1,0]");

    String query =
        "SELECT image_id FROM image_embedding WHERE model_id = "
            + model
            // Order by the index expression alone (the half-precision copy the HNSW index holds,
            // V4): an index scan yields distance order only (search functions break ties by id
            // and re-sort by the exact distance in an outer query).
            + " ORDER BY embedding::halfvec(3) <=> '[1,0.05,0]'::halfvec(3) LIMIT 3";
    String planText;
    List<String> ids = new ArrayList<>();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        IndexScans.force(st);
        planText = IndexScans.plan(st, query);
        try (ResultSet rs = st.executeQuery(query)) {
          while (rs.next()) {
            ids.add(rs.getString(1));
          }
        }
      }
      c.rollback();
    }
    assertTrue(
        planText.contains("image_embedding_hnsw_m" + model),
        "plan should use the model's HNSW index:\n" + planText);
    assertEquals(List.of("img-0", "img-1", "img-4"), ids);
  }

  @Test
  void analystRoleCanReadViewsButCannotWrite() throws SQLException {
    insertImage("img-1");
    execute("DROP ROLE IF EXISTS medclip_analyst_probe");
    execute("CREATE ROLE medclip_analyst_probe LOGIN PASSWORD 'probe' IN ROLE analyst");
    try (Connection analyst =
            DriverManager.getConnection(jdbcUrl, "medclip_analyst_probe", "probe");
        Statement st = analyst.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT id, caption FROM image_catalog")) {
        assertTrue(rs.next());
        assertEquals("img-1", rs.getString(1));
      }
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM model_catalog")) {
        assertTrue(rs.next());
      }
      SQLException insert =
          assertThrows(
              SQLException.class,
              () ->
                  st.executeUpdate(
                      "INSERT INTO image (id, split, file_location, width, height, content_hash)"
                          + " VALUES ('x', 'train', 'x.jpg', 1, 1, '\\x00')"));
      assertEquals("42501", insert.getSQLState(), insert.getMessage());
      SQLException viaView =
          assertThrows(
              SQLException.class,
              () -> st.executeUpdate("UPDATE image_catalog SET caption = 'changed'"));
      assertEquals("42501", viaView.getSQLState(), viaView.getMessage());
      SQLException fileLocations =
          assertThrows(
              SQLException.class, () -> st.executeQuery("SELECT file_location FROM image"));
      assertEquals("42501", fileLocations.getSQLState());
    } finally {
      execute("DROP ROLE IF EXISTS medclip_analyst_probe");
    }
    assertEquals("null", String.valueOf(queryString("SELECT caption FROM image")));
  }

  @Test
  void captionsAreIndexedForFullTextSearch() throws SQLException {
    insertImage("img-1");
    execute("UPDATE image SET caption = 'Nodules in the left lower lobes' WHERE id = 'img-1'");
    assertEquals(
        "img-1",
        queryString(
            "SELECT id FROM image WHERE caption_tsv @@ websearch_to_tsquery('english', 'nodule lobe')"));
    assertFalse(
        queryString("SELECT caption_tsv::text FROM image WHERE id = 'img-1'").contains("the"));
  }

  private long registerModel(String name, int dimension) throws SQLException {
    return Long.parseLong(
        queryString("SELECT register_model('" + name + "', " + dimension + ", '/bundles/x')"));
  }

  private void insertImage(String id) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO image (id, split, file_location, width, height, content_hash)"
                    + " VALUES (?, 'train', ?, 64, 48, ?)")) {
      ps.setString(1, id);
      ps.setString(2, "training/" + id + ".jpg");
      ps.setBytes(3, HexFormat.of().parseHex("00".repeat(32)));
      ps.executeUpdate();
    }
  }

  private void insertEmbedding(String imageId, long modelId, String vector) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO image_embedding (image_id, model_id, embedding) VALUES (?, ?, ?::vector)")) {
      ps.setString(1, imageId);
      ps.setLong(2, modelId);
      ps.setString(3, vector);
      ps.executeUpdate();
    }
  }

  private void execute(String sql) throws SQLException {
    Sql.execute(dataSource, sql);
  }

  private String queryString(String sql) throws SQLException {
    return Sql.scalar(dataSource, sql);
  }
}
