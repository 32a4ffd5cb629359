package org.medclip.backend.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
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

  private static final String URL =
      System.getProperty("medclip.test.jdbc.url", "jdbc:postgresql://127.0.0.1:55432/medclip_test");

  private static AgroalDataSource pool(String url, Duration acquisitionTimeout)
      throws SQLException {
    return AgroalDataSource.from(
        new AgroalDataSourceConfigurationSupplier()
            .connectionPoolConfiguration(
                pool ->
                    pool.maxSize(1)
                        .acquisitionTimeout(acquisitionTimeout)
                        .connectionFactoryConfiguration(
                            factory ->
                                factory
                                    .jdbcUrl(url)
                                    .principal(
                                        new NamePrincipal(
                                            System.getProperty(
                                                "medclip.test.jdbc.user", "medclip")))
                                    .credential(
                                        new SimplePassword(
                                            System.getProperty(
                                                "medclip.test.jdbc.password", "medclip"))))));
  }

  @Test
  void aPoolWithNoFreeConnectionIsUnavailableNotAnInternalError() throws Exception {
    // Agroal's acquisition timeout is a plain SQLException without SQLSTATE.
    // (The first connection, SCRAM login included, must fit in the timeout on a busy machine.)
    try (AgroalDataSource pool = pool(URL, Duration.ofSeconds(2));
        Connection busy = pool.getConnection()) {
      SQLException e = assertThrows(SQLException.class, pool::getConnection);
      assertTrue(DatabaseErrors.isConnectionFailure(e), e.toString());
    }
  }

  @Test
  void aServerThatNeverAnswersIsUnavailableAfterTheAcquisitionTimeout() throws Exception {
    // A server that accepts TCP connections and then says nothing (hung, or a half-open network):
    // opening a connection outlasts the acquisition timeout.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String url = "jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/medclip";
      try (AgroalDataSource pool = pool(url, Duration.ofMillis(300))) {
        long start = System.nanoTime();
        SQLException e = assertThrows(SQLException.class, pool::getConnection);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(DatabaseErrors.isConnectionFailure(e), e.toString());
        assertTrue(millis < 3_000, "gave up after " + millis + " ms");
      }
    }
  }

  @Test
  void aQueryErrorIsNotAConnectionFailure() {
    SQLException e = new SQLException("relation \"nope\" does not exist", "42P01");
    assertFalse(DatabaseErrors.isConnectionFailure(e));
    assertFalse(DatabaseErrors.isConnectionFailure(new SQLException("something else")));
  }
}
