package org.medclip.backend.db;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

/**
 * Applies the Flyway migrations of {@code db/migration} at start-up. When the database cannot be
 * reached or migrated, it logs one sentence naming the cause and the fix, and stops the application
 * (no stack trace).
 */
public class DatabaseMigrator {
  private static final Logger LOG = Logger.getLogger(DatabaseMigrator.class);

  @Inject Flyway flyway;

  @ConfigProperty(name = "quarkus.datasource.jdbc.url")
  String jdbcUrl;

  void onStart(@Observes @Priority(10) StartupEvent event) {
    try {
      var result = flyway.migrate();
      LOG.infof(
          "Database schema at version %s (%d migration(s) applied)",
          flyway.info().current() == null ? "none" : flyway.info().current().getVersion(),
          result.migrationsExecuted);
    } catch (RuntimeException e) {
      // One sentence, then stop: a stack trace would hide the fix.
      LOG.error(DatabaseErrors.startupMessage(jdbcUrl, e));
      Quarkus.asyncExit(1);
    }
  }
}
