package org.medclip.backend.db;

import java.sql.SQLException;
import java.util.Optional;
import java.util.regex.Pattern;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Recognises the errors our own SQL functions raise for people (db/migration V1, V2: {@code RAISE
 * EXCEPTION ... USING ERRCODE = '22023' | 'P0002'}). Only those messages may reach a client; any
 * other database error, even with the same SQLSTATE, is an internal error.
 */
public final class SqlFunctionErrors {
  /** SQLSTATE invalid_parameter_value: a bad argument of a search function. */
  public static final String INVALID_PARAMETER = "22023";

  /** SQLSTATE no_data_found: an unknown image or model, or no active model. */
  public static final String NO_DATA_FOUND = "P0002";

  // The error context PostgreSQL reports for a RAISE inside one of our PL/pgSQL functions.
  private static final Pattern OWN_FUNCTION =
      Pattern.compile("PL/pgSQL function (search_[a-z_]+|activate_model)\\(");

  private SqlFunctionErrors() {}

  /**
   * The message of a {@code RAISE} from one of our search or model functions, when {@code e} is one
   * with SQLSTATE 22023 or P0002.
   */
  public static Optional<String> raisedMessage(SQLException e) {
    String state = e.getSQLState();
    if (!INVALID_PARAMETER.equals(state) && !NO_DATA_FOUND.equals(state)) {
      return Optional.empty();
    }
    if (!(e instanceof PSQLException p)) {
      return Optional.empty();
    }
    ServerErrorMessage m = p.getServerErrorMessage();
    if (m == null
        || m.getMessage() == null
        || !"exec_stmt_raise".equals(m.getRoutine())
        || m.getWhere() == null
        || !OWN_FUNCTION.matcher(m.getWhere()).find()) {
      return Optional.empty();
    }
    return Optional.of(m.getMessage());
  }

  /** A raised message as one sentence: first letter upper case, ending with a full stop. */
  public static String sentence(String message) {
    String s = message.strip();
    if (s.isEmpty()) {
      return s;
    }
    s = Character.toUpperCase(s.charAt(0)) + s.substring(1);
    return s.endsWith(".") ? s : s + ".";
  }
}
