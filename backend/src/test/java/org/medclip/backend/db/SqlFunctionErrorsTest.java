package org.medclip.backend.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Only our own functions' RAISE messages are recognised as messages for people. */
@QuarkusTest
class SqlFunctionErrorsTest {
  @Inject AgroalDataSource dataSource;

  @Test
  void ourFunctionsMessagesAreRecognised() {
    assertEquals(
        Optional.of("limit must be between 1 and 100, got 0"),
        SqlFunctionErrors.raisedMessage(fail("SELECT * FROM search_text('x', 0)")));
    assertEquals(
        Optional.of("model -5 does not exist"),
        SqlFunctionErrors.raisedMessage(fail("SELECT activate_model(-5)")));
    assertEquals(
        "Limit must be between 1 and 100, got 0.",
        SqlFunctionErrors.sentence("limit must be between 1 and 100, got 0"));
  }

  @Test
  void otherErrorsWithTheSameSqlStateAreNot() {
    SQLException builtIn = fail("SELECT set_config('work_mem', 'many', true)");
    assertEquals("22023", builtIn.getSQLState());
    assertEquals(Optional.empty(), SqlFunctionErrors.raisedMessage(builtIn));
    SQLException userRaise =
        fail("DO $$ BEGIN RAISE EXCEPTION 'search_text secret' USING ERRCODE = '22023'; END $$");
    assertEquals(Optional.empty(), SqlFunctionErrors.raisedMessage(userRaise));
  }

  private SQLException fail(String sql) {
    return assertThrows(
        SQLException.class,
        () -> {
          try (Connection c = dataSource.getConnection();
              Statement st = c.createStatement()) {
            st.execute(sql);
          }
        });
  }
}
