package org.medclip.backend.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** One-statement JDBC calls for tests, each on its own pooled connection. */
public final class Sql {
  private Sql() {}

  /** Runs {@code sql}, ignoring any result. */
  public static void execute(DataSource dataSource, String sql) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  /** The first column of the first row as text, or null when there is no row. */
  public static String scalar(DataSource dataSource, String sql) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** The first column of the first row as a number (a count). */
  public static long count(DataSource dataSource, String sql) throws SQLException {
    return Long.parseLong(scalar(dataSource, sql));
  }
}
