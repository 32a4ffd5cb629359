package org.medclip.backend.db;

import java.sql.SQLException;
import java.util.Locale;

/** Turns database failures into one human sentence: the cause and the fix. No SQL, no traces. */
public final class DatabaseErrors {
  private DatabaseErrors() {}

  /** The SQLSTATE of the first {@link SQLException} in the cause chain, or null. */
  public static String sqlState(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && s.getSQLState() != null) {
        return s.getSQLState();
      }
    }
    return null;
  }

  /**
   * True when the failure means the server could not be reached or gave no connection in time (not
   * a query error): SQLSTATE class 08, a refused or timed-out socket, or the connection pool's
   * acquisition timeout (Agroal reports it as a plain {@link SQLException} without SQLSTATE,
   * recognisable by its message only).
   */
  public static boolean isConnectionFailure(Throwable e) {
    String state = sqlState(e);
    if (state != null && state.startsWith("08")) {
      return true;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.ConnectException
          || t instanceof java.net.UnknownHostException
          || t instanceof java.net.SocketTimeoutException) {
        return true;
      }
      String name = t.getClass().getSimpleName();
      if (name.contains("AcquisitionTimeout") || name.contains("ConnectionTimeout")) {
        return true;
      }
      if (t instanceof SQLException s
          && s.getSQLState() == null
          && s.getMessage() != null
          && s.getMessage().toLowerCase(Locale.ROOT).contains("acquisition timeout")) {
        return true;
      }
    }
    return false;
  }

  /** The sentence logged when start-up cannot use the database. */
  public static String startupMessage(String jdbcUrl, Throwable e) {
    String state = sqlState(e);
    if (isConnectionFailure(e)) {
      return "Cannot reach PostgreSQL at "
          + jdbcUrl
          + ". Fix: start the local database with 'db/local-postgres start' (or 'make run'), or point"
          + " QUARKUS_DATASOURCE_JDBC_URL at a running PostgreSQL >= 15 with pgvector.";
    }
    if ("28P01".equals(state) || "28000".equals(state)) {
      return "PostgreSQL at "
          + jdbcUrl
          + " refused the user name or password. Fix: set QUARKUS_DATASOURCE_USERNAME and"
          + " QUARKUS_DATASOURCE_PASSWORD to an account of that server.";
    }
    if ("3D000".equals(state)) {
      return "The database named in "
          + jdbcUrl
          + " does not exist. Fix: create it (db/local-postgres start does) or change"
          + " QUARKUS_DATASOURCE_JDBC_URL.";
    }
    String text = String.valueOf(rootMessage(e));
    if (text.contains("extension \"vector\"") || text.contains("vector.control")) {
      return "The pgvector extension is not installed on the PostgreSQL server at "
          + jdbcUrl
          + ". Fix: install pgvector >= 0.7 there (make setup does it locally) and run"
          + " 'CREATE EXTENSION vector' as a superuser.";
    }
    return "The database schema could not be migrated at "
        + jdbcUrl
        + " ("
        + firstLine(text)
        + "). Fix: check that the user owns the database, or reset the local one with"
        + " 'db/local-postgres reset'.";
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : e.getMessage();
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
