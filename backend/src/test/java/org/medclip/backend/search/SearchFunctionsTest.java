package org.medclip.backend.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.medclip.backend.db.IndexScans;
import org.medclip.backend.testing.Sql;

/**
 * The SQL search functions (db/migration V2, revised by V3) on a hand-made corpus whose right order
 * is known for every mode, against the real PostgreSQL with pgvector.
 *
 * <p>Vectors are 3-d. The query vector [1,0,0] has cosine similarity, in descending order: v1
 * (1.0), v2 (0.99), v3 (0.95), v4 (0.8), v5 (0.6), v6 (0.0), v7 (-0.5).
 */
@QuarkusTest
class SearchFunctionsTest {
  @Inject AgroalDataSource dataSource;

  @ConfigProperty(name = "quarkus.datasource.jdbc.url")
  String jdbcUrl;

  long model;

  /** A search hit as the functions return it. */
  record Hit(String id, Double textScore, Double vectorScore, double score, String snippet) {}

  @BeforeEach
  void corpus() throws SQLException {
    execute("SELECT drop_model(id) FROM model");
    execute("DELETE FROM image");
    model = Long.parseLong(query1("SELECT register_model('search-test', 3, '/bundle')"));
    execute("SELECT activate_model(" + model + ")");
    image(
        "v1",
        "train",
        "Chest radiograph showing a small nodule in the left lower lobe.",
        512,
        1,
        0,
        0);
    image("v2", "train", "CT of the abdomen, normal study.", 256, 0.99, 0.141, 0);
    image(
        "v3",
        "test",
        "Nodule and nodules: multiple pulmonary nodules on chest CT.",
        512,
        0.95,
        0.312,
        0);
    image("v4", "test", null, 512, 0.8, 0.6, 0);
    image("v5", "validation", "MRI of the knee with joint effusion.", 128, 0.6, 0.8, 0);
    image("v6", "train", "Large nodule in the right upper lobe.", 512, 0, 1, 0);
    image("v7", "train", "Brain MRI, normal.", 512, -0.5, 0, 0.866);
  }

  @Test
  void textSearchRanksByCoverDensityAndMarksMatchedTerms() throws SQLException {
    List<Hit> hits = search("SELECT * FROM search_text('nodule')");
    // v3 mentions nodules three times; v1 and v6 once (v6's caption is shorter: higher rank).
    assertEquals(List.of("v3", "v6", "v1"), ids(hits));
    for (Hit h : hits) {
      assertNull(h.vectorScore());
      assertEquals(h.textScore(), h.score(), 1e-12);
      assertTrue(h.snippet().contains("<mark>"), h.snippet());
    }
    assertTrue(hits.get(0).score() > hits.get(1).score());
    // Both terms: v6 and v1 (v6 is shorter); v3 has no "lobe".
    assertEquals(
        List.of("v6", "v1"), ids(search("SELECT * FROM search_text('\"nodule in the\" lobe')")));
    assertEquals(List.of(), ids(search("SELECT * FROM search_text('the of and')")));
  }

  @Test
  void tsquerySyntaxJunkIsNeverAnError() throws SQLException {
    for (String junk :
        List.of("& | ! ( :*", "\"unclosed", "-", "OR OR", "a:*b", "'; DROP TABLE image; --")) {
      try (Connection c = dataSource.getConnection();
          PreparedStatement ps = c.prepareStatement("SELECT * FROM search_text(?)")) {
        ps.setString(1, junk);
        ps.executeQuery().close();
      }
    }
    assertEquals("7", query1("SELECT count(*) FROM image"));
  }

  @Test
  void vectorSearchOrdersByCosineSimilarity() throws SQLException {
    List<Hit> hits = search("SELECT * FROM search_vector('[1,0,0]', 10)");
    assertEquals(List.of("v1", "v2", "v3", "v4", "v5", "v6", "v7"), ids(hits));
    assertEquals(1.0, hits.get(0).vectorScore(), 1e-6);
    assertEquals(-0.5, hits.get(6).vectorScore(), 1e-3);
    assertNull(hits.get(0).textScore());
  }

  @Test
  void scoresAreFullPrecisionThoughTheIndexHoldsHalfPrecision() throws SQLException {
    // V4's HNSW index holds half-precision copies (about 3 significant digits); the scores must
    // still be the cosine of the stored full-precision vectors (half precision would be off by
    // about 1e-4 here).
    double[] q = {0.3, 0.5, 0.81};
    Map<String, double[]> stored =
        Map.of(
            "v1", new double[] {1, 0, 0},
            "v2", new double[] {0.99, 0.141, 0},
            "v3", new double[] {0.95, 0.312, 0},
            "v4", new double[] {0.8, 0.6, 0},
            "v5", new double[] {0.6, 0.8, 0},
            "v6", new double[] {0, 1, 0},
            "v7", new double[] {-0.5, 0, 0.866});
    List<Hit> hits = new ArrayList<>();
    String plan;
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        IndexScans.force(st); // a 7-row table: take the HNSW index, as at real sizes
        try (ResultSet rs = st.executeQuery("SELECT * FROM search_vector('[0.3,0.5,0.81]', 7)")) {
          while (rs.next()) {
            hits.add(
                new Hit(rs.getString("image_id"), null, rs.getDouble("vector_score"), 0, null));
          }
        }
        plan =
            IndexScans.plan(
                st,
                "SELECT e.image_id FROM image_embedding e WHERE e.model_id = "
                    + model
                    + " ORDER BY e.embedding::halfvec(3) <=> '[0.3,0.5,0.81]'::halfvec(3) LIMIT 7");
      }
      c.rollback();
    }
    assertTrue(plan.contains("image_embedding_hnsw_m" + model), plan);
    assertEquals(7, hits.size());
    for (int i = 0; i < hits.size(); i++) {
      Hit h = hits.get(i);
      assertEquals(cosine(q, stored.get(h.id())), h.vectorScore(), 1e-6, h.id());
      if (i > 0) {
        assertTrue(hits.get(i - 1).vectorScore() >= h.vectorScore(), "order at " + i);
      }
    }
  }

  /** Cosine similarity of a and b, b rounded to float as pgvector stores it (after normalising). */
  private static double cosine(double[] a, double[] b) {
    double nb = Math.sqrt(b[0] * b[0] + b[1] * b[1] + b[2] * b[2]);
    double dot = 0;
    double na = 0;
    double nf = 0;
    for (int i = 0; i < 3; i++) {
      double bf = (float) (b[i] / nb);
      dot += a[i] * bf;
      na += a[i] * a[i];
      nf += bf * bf;
    }
    return dot / Math.sqrt(na * nf);
  }

  @Test
  void filtersApplyToEveryMode() throws SQLException {
    assertEquals(
        List.of("v3", "v4"),
        ids(search("SELECT * FROM search_vector('[1,0,0]', p_split => 'test')")));
    assertEquals(
        List.of("v4"),
        ids(search("SELECT * FROM search_vector('[1,0,0]', p_has_caption => false)")));
    assertEquals(
        List.of("v1", "v3", "v4", "v6", "v7"),
        ids(search("SELECT * FROM search_vector('[1,0,0]', p_min_width => 500)")));
    assertEquals(
        List.of("v3"), ids(search("SELECT * FROM search_text('nodule', p_split => 'test')")));
    assertEquals(
        List.of(), ids(search("SELECT * FROM search_text('nodule', p_has_caption => false)")));
    List<Hit> hybrid =
        search("SELECT * FROM search_hybrid('nodule', '[1,0,0]', p_split => 'train')");
    assertTrue(hybrid.stream().allMatch(h -> Set.of("v1", "v2", "v6", "v7").contains(h.id())));
    assertEquals(
        List.of("v3", "v4"), ids(search("SELECT * FROM search_similar('v1', p_split => 'test')")));
  }

  @Test
  void hybridWithAlphaZeroIsTextOrderAndAlphaOneIsVectorOrder() throws SQLException {
    List<String> text = ids(search("SELECT * FROM search_text('nodule')"));
    List<String> vector = ids(search("SELECT * FROM search_vector('[1,0,0]', 10)"));
    List<String> alpha0 =
        ids(search("SELECT * FROM search_hybrid('nodule', '[1,0,0]', 0, p_limit => 10)"));
    List<String> alpha1 =
        ids(search("SELECT * FROM search_hybrid('nodule', '[1,0,0]', 1, p_limit => 10)"));
    assertEquals(text, alpha0.subList(0, text.size()));
    assertEquals(vector, alpha1);
  }

  @Test
  void hybridLinearBlendUsesNormalisedScores() throws SQLException {
    List<Hit> hits = search("SELECT * FROM search_hybrid('nodule', '[1,0,0]', 0.5, p_limit => 10)");
    double maxText = hits.stream().mapToDouble(Hit::textScore).max().orElseThrow();
    double minVec = hits.stream().mapToDouble(Hit::vectorScore).min().orElseThrow();
    double maxVec = hits.stream().mapToDouble(Hit::vectorScore).max().orElseThrow();
    for (Hit h : hits) {
      double expected =
          0.5 * (h.vectorScore() - minVec) / (maxVec - minVec) + 0.5 * h.textScore() / maxText;
      assertEquals(expected, h.score(), 1e-9, h.id());
      assertNotNull(h.textScore(), h.id());
    }
    // v3: best text and a near vector; v1: the nearest vector and a weaker text match.
    assertEquals("v3", hits.get(0).id());
    assertEquals("v1", hits.get(1).id());
    for (int i = 1; i < hits.size(); i++) {
      assertTrue(hits.get(i - 1).score() >= hits.get(i).score());
    }
  }

  @Test
  void aVectorOnlyCandidateKeepsItsTextScoreWhenTheTextSideWasCut() throws SQLException {
    Map<String, Double> text = new HashMap<>();
    for (Hit h : search("SELECT * FROM search_text('nodule')")) {
      text.put(h.id(), h.textScore());
    }
    // 'nodule' matches v3, v6, v1 (text ranks 1-3). With 2 candidates a side the text side keeps
    // v3 and v6, the vector side v1 and v2; alpha 1 puts those two on the page. v1's caption
    // matches below the cut: its text score is its own, not 0 (V5 skips the lookup only when the
    // text side found fewer matches than it kept). v2's caption does not match: 0.
    Map<String, Double> cut = new HashMap<>();
    for (Hit h :
        search(
            "SELECT * FROM search_hybrid('nodule', '[1,0,0]', 1, p_limit => 2,"
                + " p_candidates => 2)")) {
      cut.put(h.id(), h.textScore());
    }
    assertEquals(Set.of("v1", "v2"), cut.keySet());
    assertTrue(cut.get("v1") > 0);
    assertEquals(text.get("v1"), cut.get("v1"), 1e-12);
    assertEquals(0.0, cut.get("v2"), 0.0);
    // Not cut (3 matches, 100 candidates): every hit's text score is its caption's own, or 0.
    List<Hit> all = search("SELECT * FROM search_hybrid('nodule', '[1,0,0]', 0.5, p_limit => 10)");
    assertEquals(7, all.size());
    for (Hit h : all) {
      assertEquals(text.getOrDefault(h.id(), 0.0), h.textScore(), 1e-12, h.id());
    }
  }

  @Test
  void hybridSearchDefaultsTo100CandidatesASide() throws SQLException {
    for (String function : List.of("search_hybrid", "search_similar")) {
      String args = query1("SELECT pg_get_function_arguments('" + function + "'::regproc)");
      assertTrue(args.contains("p_candidates integer DEFAULT 100"), function + ": " + args);
    }
    // limit + offset above 100 still widens the candidate set: the third page of 50 is full
    largerCorpus();
    assertEquals(
        50,
        search(
                "SELECT * FROM search_hybrid('generated', '[0,0,1]', 0.5, p_limit => 50, p_offset => 100)")
            .size());
  }

  @Test
  void reciprocalRankFusionAddsInverseRanks() throws SQLException {
    List<Hit> hits =
        search(
            "SELECT * FROM search_hybrid('nodule', '[1,0,0]', p_fusion => 'rrf', p_limit => 10)");
    // text ranks: v3 1, v6 2, v1 3; vector ranks: v1 1, v2 2, v3 3, v4 4, v5 5, v6 6, v7 7
    assertEquals(1.0 / 63 + 1.0 / 61, score(hits, "v1"), 1e-12);
    assertEquals(1.0 / 61 + 1.0 / 63, score(hits, "v3"), 1e-12);
    assertEquals(1.0 / 62 + 1.0 / 66, score(hits, "v6"), 1e-12);
    assertEquals(1.0 / 62, score(hits, "v2"), 1e-12);
    assertEquals(List.of("v1", "v3", "v6", "v2", "v4", "v5", "v7"), ids(hits));
  }

  @Test
  void pagesHaveNoDuplicatesOrGaps() throws SQLException {
    for (String mode :
        List.of(
            "search_vector('[1,0,0]', %d, %d)",
            "search_hybrid('nodule', '[1,0,0]', 0.5, 'linear', %d, %d)",
            "search_hybrid('nodule', '[1,0,0]', 0.5, 'rrf', %d, %d)",
            "search_similar('v1', 'image_text', 0.5, 'linear', %d, %d)")) {
      List<String> all = ids(search("SELECT * FROM " + String.format(mode, 100, 0)));
      List<String> paged = new ArrayList<>();
      for (int offset = 0; offset < all.size() + 2; offset += 2) {
        paged.addAll(ids(search("SELECT * FROM " + String.format(mode, 2, offset))));
      }
      assertEquals(all, paged, mode);
      assertEquals(all.size(), new HashSet<>(all).size(), mode);
    }
  }

  @Test
  void similarImagesExcludeTheQueryImage() throws SQLException {
    List<Hit> image = search("SELECT * FROM search_similar('v1')");
    assertEquals(List.of("v2", "v3", "v4", "v5", "v6", "v7"), ids(image));
    List<Hit> withCaption = search("SELECT * FROM search_similar('v1', 'image_text')");
    assertFalse(ids(withCaption).contains("v1"));
    // The caption's terms (chest, nodule, lobe, ...) lift v6 (nodule, lobe) above v4 (no caption),
    // although v4 is nearer in vector space.
    assertTrue(
        ids(withCaption).indexOf("v6") < ids(withCaption).indexOf("v4"),
        ids(withCaption).toString());
  }

  @Test
  void badArgumentsAreClearErrors() {
    assertSqlError("SELECT * FROM search_text('   ')", "22023", "the text query is empty");
    assertSqlError("SELECT * FROM search_text('x', 0)", "22023", "limit must be between 1 and 100");
    assertSqlError(
        "SELECT * FROM search_text('x', 101)", "22023", "limit must be between 1 and 100");
    assertSqlError("SELECT * FROM search_text('x', 10, -1)", "22023", "offset must be 0 or more");
    assertSqlError("SELECT * FROM search_vector('[1,0]')", "22023", "has 2 dimensions");
    assertSqlError(
        "SELECT * FROM search_hybrid('x', '[1,0,0]', 1.5)",
        "22023",
        "alpha must be between 0 and 1");
    assertSqlError(
        "SELECT * FROM search_hybrid('x', '[1,0,0]', 0.5, 'max')",
        "22023",
        "fusion must be linear or rrf");
    assertSqlError("SELECT * FROM search_similar('nope')", "P0002", "image nope does not exist");
    assertSqlError("SELECT * FROM search_similar('v1', 'text')", "22023", "mode must be image");
  }

  @Test
  void withoutAnActiveModelVectorSearchSaysSo() throws SQLException {
    execute("UPDATE model SET state = 'retired'");
    assertSqlError("SELECT * FROM search_vector('[1,0,0]')", "P0002", "no model is active");
    assertEquals(3, search("SELECT * FROM search_text('nodule')").size());
  }

  @Test
  void analystsCanSearchButNotReadFileLocations() throws SQLException {
    execute("DROP ROLE IF EXISTS medclip_search_probe");
    execute("CREATE ROLE medclip_search_probe LOGIN PASSWORD 'probe' IN ROLE analyst");
    try (Connection analyst =
            DriverManager.getConnection(jdbcUrl, "medclip_search_probe", "probe");
        Statement st = analyst.createStatement()) {
      try (ResultSet rs =
          st.executeQuery("SELECT image_id FROM search_similar('v1', 'image_text')")) {
        assertTrue(rs.next());
      }
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM search_text('nodule')")) {
        assertTrue(rs.next());
        assertEquals(3, rs.getInt(1));
      }
      SQLException internal =
          assertThrows(
              SQLException.class,
              () ->
                  st.executeQuery(
                      "SELECT * FROM search_nearest('[1,0,0]', 5, 1, 3, null, null, null, null, null, 10)"));
      assertEquals("42501", internal.getSQLState());
    } finally {
      execute("DROP ROLE IF EXISTS medclip_search_probe");
    }
  }

  @Test
  void vectorSearchUsesTheHnswIndexOnALargerCorpus() throws SQLException {
    largerCorpus();
    String sql = query1("SELECT search_nearest_sql(3, " + model + ")");
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute("SET LOCAL hnsw.iterative_scan = relaxed_order");
        st.execute(
            "PREPARE nearest (vector, text, boolean, integer, integer, text, integer) AS " + sql);
        for (String args :
            List.of("NULL, NULL, NULL, NULL, NULL, 10", "'test', NULL, NULL, NULL, 'g3', 10")) {
          StringBuilder plan = new StringBuilder();
          try (ResultSet rs = st.executeQuery("EXPLAIN EXECUTE nearest('[1,0,0]', " + args + ")")) {
            while (rs.next()) {
              plan.append(rs.getString(1)).append('\n');
            }
          }
          assertTrue(
              plan.toString().contains("image_embedding_hnsw_m" + model), args + "\n" + plan);
        }
        st.execute("DEALLOCATE nearest");
        // Without filters (V5) the statement reads image_embedding alone, through the same index.
        String unfiltered = query1("SELECT search_nearest_sql(3, " + model + ", false)");
        st.execute(
            "PREPARE nearest (vector, text, boolean, integer, integer, text, integer) AS "
                + unfiltered);
        StringBuilder plan = new StringBuilder();
        try (ResultSet rs =
            st.executeQuery(
                "EXPLAIN EXECUTE nearest('[1,0,0]', NULL, NULL, NULL, NULL, 'g3', 10)")) {
          while (rs.next()) {
            plan.append(rs.getString(1)).append('\n');
          }
        }
        assertTrue(plan.toString().contains("image_embedding_hnsw_m" + model), plan.toString());
        assertFalse(plan.toString().contains(" on image "), plan.toString());
        assertFalse(plan.toString().contains("image_pkey"), plan.toString());
        st.execute("DEALLOCATE nearest");
        assertEquals(
            query1("SELECT search_nearest_sql(3, " + model + ")"),
            query1("SELECT search_nearest_sql(3, " + model + ", true)"));
      }
      c.rollback();
    }
    // Filtered to a third of the corpus, the search still returns its full limit.
    assertEquals(
        50, search("SELECT * FROM search_vector('[1,0,0]', 50, p_split => 'test')").size());
  }

  @Test
  void efSearchDefaultsTo150AndStaysOverridable() throws SQLException {
    for (String function : List.of("search_vector", "search_hybrid", "search_similar")) {
      String args = query1("SELECT pg_get_function_arguments('" + function + "'::regproc)");
      assertTrue(args.contains("p_ef_search integer DEFAULT 150"), function + ": " + args);
    }
    assertEquals(
        ids(search("SELECT * FROM search_vector('[1,0,0]', 10)")),
        ids(search("SELECT * FROM search_vector('[1,0,0]', 10, p_ef_search => 40)")));
  }

  /**
   * V7: pgvector's iterative scan (and its bookkeeping of discarded candidates) only where the
   * first walk may not find enough rows: with a filter, or when the search wants more than three
   * quarters of ef_search rows. The setting is transaction-local, so it is read back after each
   * call inside one transaction.
   */
  @Test
  void iterativeScansOnlyWhenTheSearchCanNeedThem() throws SQLException {
    largerCorpus();
    String nearest = "SELECT count(*) FROM search_nearest('[1,0,0]', %d, " + model + ", 3, %s)";
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute("SET LOCAL hnsw.iterative_scan = strict_order");
        Object[][] cases = {
          // k, split, has caption, ef_search -> rows, setting
          {21, "NULL", "NULL", "NULL", 21, "off"},
          {112, "NULL", "NULL", "150", 112, "off"},
          {113, "NULL", "NULL", "150", 113, "relaxed_order"},
          {9, "NULL", "NULL", "12", 9, "off"},
          {10, "NULL", "NULL", "12", 10, "relaxed_order"},
          {21, "'test'", "NULL", "NULL", 21, "relaxed_order"},
          {21, "NULL", "true", "NULL", 21, "relaxed_order"},
          {21, "NULL", "NULL", "NULL", 21, "off"},
        };
        for (Object[] k : cases) {
          String args = k[1] + ", " + k[2] + ", NULL, NULL, NULL, " + k[3];
          try (ResultSet rs = st.executeQuery(String.format(nearest, k[0], args))) {
            rs.next();
            assertEquals(((Integer) k[4]).longValue(), rs.getLong(1), "rows for " + k[0] + args);
          }
          try (ResultSet rs = st.executeQuery("SELECT current_setting('hnsw.iterative_scan')")) {
            rs.next();
            assertEquals(k[5], rs.getString(1), "k " + k[0] + ", " + args);
          }
        }
        // A filter that keeps a third of the corpus still fills a page larger than the walk.
        try (ResultSet rs =
            st.executeQuery(String.format(nearest, 100, "'test', NULL, NULL, NULL, NULL, 40"))) {
          rs.next();
          assertEquals(100, rs.getLong(1));
        }
      }
      c.rollback();
    }
  }

  /**
   * V2's hybrid search joined its few hundred candidates to image_embedding with a hash join over
   * every stored vector (a sequential scan per query, 30-60 ms at 185,000 images). V3 looks each
   * candidate up by primary key: no hybrid search may scan image_embedding whole.
   */
  @Test
  void hybridSearchLooksCandidatesUpByPrimaryKeyOnALargerCorpus() throws SQLException {
    largerCorpus();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        // At 3,000 rows reading the whole table and sorting it is the planner's right choice for
        // a nearest search of 100-200 rows without filters (V5 reads image_embedding alone
        // there); at 185,000 it walks the index. Sorting is made prohibitive so that the nearest
        // search walks the index here too, and a sequential scan can only come from a lookup.
        st.execute("SET LOCAL enable_sort = off");
        for (String call :
            List.of(
                "search_hybrid('nodule', '[1,0,0]', 0.5, 'linear', 20)",
                "search_hybrid('nodule lobe', '[0,1,0]', 0.5, 'rrf', 10, 30)",
                // 3,000 matching captions; no filter: at 3,000 rows a filtered nearest search of
                // hundreds would rightly scan the table instead of the HNSW index
                "search_hybrid('generated', '[0,0,1]', 0.3, 'linear', 20, 180)",
                "search_similar('v1', 'image_text')",
                "search_similar('g7', 'image_text', 0.5, 'rrf')")) {
          long before = sequentialScans(st, "image_embedding");
          int rows = 0;
          try (ResultSet rs = st.executeQuery("SELECT * FROM " + call)) {
            while (rs.next()) {
              rows++;
            }
          }
          assertTrue(rows > 0, call);
          assertEquals(
              before,
              sequentialScans(st, "image_embedding"),
              call + " scanned image_embedding sequentially");
        }
      }
      c.rollback();
    }
  }

  /** Sequential scans of a table so far in this transaction. */
  private static long sequentialScans(Statement st, String table) throws SQLException {
    try (ResultSet rs =
        st.executeQuery(
            "SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relname = '" + table + "'")) {
      assertTrue(rs.next(), table);
      return rs.getLong(1);
    }
  }

  /** 3,000 more images with captions and vectors, analysed, so the planner sees a real table. */
  private void largerCorpus() throws SQLException {
    execute(
        "INSERT INTO image (id, split, caption, file_location, width, height, content_hash)"
            + " SELECT 'g' || g, CASE WHEN g % 3 = 0 THEN 'test' ELSE 'train' END, 'generated ' || g,"
            + " 'g', 64, 64, decode(repeat('00', 32), 'hex') FROM generate_series(1, 3000) g");
    execute(
        "INSERT INTO image_embedding (image_id, model_id, embedding) SELECT 'g' || g, "
            + model
            + ", ('[' || sin(g) || ',' || cos(g) || ',' || sin(g * 7) || ']')::vector"
            + " FROM generate_series(1, 3000) g");
    execute("ANALYZE image");
    execute("ANALYZE image_embedding");
  }

  private void image(
      String id, String split, String caption, int width, double x, double y, double z)
      throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement img =
            c.prepareStatement(
                "INSERT INTO image (id, split, caption, file_location, width, height, content_hash)"
                    + " VALUES (?, ?, ?, ?, ?, 100, ?)");
        PreparedStatement vec =
            c.prepareStatement(
                "INSERT INTO image_embedding (image_id, model_id, embedding) VALUES (?, ?, ?::vector)")) {
      img.setString(1, id);
      img.setString(2, split);
      img.setString(3, caption);
      img.setString(4, split + "/" + id + ".png");
      img.setInt(5, width);
      img.setBytes(6, HexFormat.of().parseHex("11".repeat(32)));
      img.executeUpdate();
      double norm = Math.sqrt(x * x + y * y + z * z);
      vec.setString(1, id);
      vec.setLong(2, model);
      vec.setString(3, "[" + x / norm + "," + y / norm + "," + z / norm + "]");
      vec.executeUpdate();
    }
  }

  private List<Hit> search(String sql) throws SQLException {
    List<Hit> hits = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        hits.add(
            new Hit(
                rs.getString("image_id"),
                (Double) rs.getObject("text_score"),
                (Double) rs.getObject("vector_score"),
                rs.getDouble("score"),
                rs.getString("snippet")));
      }
    }
    return hits;
  }

  private static List<String> ids(List<Hit> hits) {
    return hits.stream().map(Hit::id).toList();
  }

  private static double score(List<Hit> hits, String id) {
    return hits.stream().filter(h -> h.id().equals(id)).findFirst().orElseThrow().score();
  }

  private void assertSqlError(String sql, String state, String messagePart) {
    SQLException e = assertThrows(SQLException.class, () -> search(sql), sql);
    assertEquals(state, e.getSQLState(), e.getMessage());
    assertTrue(e.getMessage().contains(messagePart), e.getMessage());
  }

  private void execute(String sql) throws SQLException {
    Sql.execute(dataSource, sql);
  }

  private String query1(String sql) throws SQLException {
    return Sql.scalar(dataSource, sql);
  }
}
