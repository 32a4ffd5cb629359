package org.medclip.backend.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The one-sentence messages for real connection failures of the PostgreSQL driver. */
class DatabaseErrorsTest {

  @Test
  void refusedConnectionNamesTheServerAndTheFix() throws Exception {
    int freePort;
    try (ServerSocket s = new ServerSocket(0)) {
      freePort = s.getLocalPort();
    }
    String url = "jdbc:postgresql://127.0.0.1:" + freePort + "/medclip?connectTimeout=2";
    SQLException e =
        assertThrows(SQLException.class, () -> DriverManager.getConnection(url, "x", "y"));
    assertTrue(DatabaseErrors.isConnectionFailure(e));
    String message = DatabaseErrors.startupMessage(url, e);
    assertTrue(message.startsWith("Cannot reach PostgreSQL at " + url), message);
    assertTrue(message.contains("Fix: "), message);
    assertFalse(message.contains("\n"), "one line: " + message);
  }

  @Test
  void wrongPasswordIsNotReportedAsUnreachable() {
    String url =
        System.getProperty(
            "medclip.test.jdbc.url", "jdbc:postgresql://127.0.0.1:55432/medclip_test");
    SQLException e =
        assertThrows(
            SQLException.class,
            () -> DriverManager.getConnection(url, "medclip", "definitely-wrong-password"));
    assertFalse(DatabaseErrors.isConnectionFailure(e));
    assertEquals("28P01", DatabaseErrors.sqlState(e));
    assertTrue(
        DatabaseErrors.startupMessage(url, e).contains("QUARKUS_DATASOURCE_PASSWORD"),
        DatabaseErrors.startupMessage(url, e));
  }
}
