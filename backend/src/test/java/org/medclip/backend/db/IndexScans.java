package org.medclip.backend.db;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Planner settings and plans for tests that must see the HNSW index used on tiny tables. */
public final class IndexScans {
  private IndexScans() {}

  /**
   * Forbids sequential and bitmap scans and sorting for the current transaction (SET LOCAL), so on
   * a table of a few rows the planner shows whether the ordered index path exists (else a scan plus
   * a sort wins when the statistics say the table is small).
   */
  public static void force(Statement st) throws SQLException {
    st.execute("SET LOCAL enable_seqscan = off");
    st.execute("SET LOCAL enable_bitmapscan = off");
    st.execute("SET LOCAL enable_sort = off");
  }

  /** The EXPLAIN lines of {@code query}, joined by newlines. */
  public static String plan(Statement st, String query) throws SQLException {
    List<String> lines = new ArrayList<>();
    try (ResultSet rs = st.executeQuery("EXPLAIN " + query)) {
      while (rs.next()) {
        lines.add(rs.getString(1));
      }
    }
    return String.join("\n", lines);
  }
}
