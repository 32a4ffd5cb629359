package org.medclip.backend.db;

import java.sql.SQLException;

/**
 * A database failure that is not the client's fault, thrown by repositories. The REST layer answers
 * 503 when the cause is a connection failure (see {@link DatabaseErrors#isConnectionFailure}) and
 * 500 otherwise; the SQL text and the server's message are logged, never sent.
 */
public class DatabaseException extends RuntimeException {

  public DatabaseException(SQLException cause) {
    super("database error (SQLSTATE " + cause.getSQLState() + ")", cause);
  }
}
