package org.medclip.backend.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Before Quarkus starts (once per test run): writes the stand-in model bundles and the corpus image
 * files to a temporary folder, points {@code medclip.images.root} at it, and retires an active
 * model left in the test database by an earlier run (its bundle may no longer exist, which would
 * stop start-up). Tests find the folder in config property {@code medclip.test.root}.
 */
public class TestCorpusResource implements QuarkusTestResourceLifecycleManager {
  private Path root;

  @Override
  public Map<String, String> start() {
    try {
      root = Files.createTempDirectory("medclip-backend-test");
      StandInBundle.write(
          root.resolve("bundles/a"), TestCorpus.MODEL_A, "1", TestCorpus.captions(), 1);
      StandInBundle.write(
          root.resolve("bundles/b"), TestCorpus.MODEL_A, "2", TestCorpus.captions(), 2);
      Path images = root.resolve("images");
      TestCorpus.writeFiles(images);
      retireActiveModel();
      return Map.of("medclip.images.root", images.toString(), "medclip.test.root", root.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void retireActiveModel() {
    String url =
        System.getProperty(
            "medclip.test.jdbc.url", "jdbc:postgresql://127.0.0.1:55432/medclip_test");
    String user = System.getProperty("medclip.test.jdbc.user", "medclip");
    String password = System.getProperty("medclip.test.jdbc.password", "medclip");
    try (Connection c = DriverManager.getConnection(url, user, password);
        Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT to_regclass('public.model') IS NOT NULL")) {
        rs.next();
        if (!rs.getBoolean(1)) {
          return; // a fresh database: the migrations run at start-up
        }
      }
      st.execute("UPDATE model SET state = 'retired' WHERE state = 'active'");
    } catch (SQLException e) {
      // The database is down: start-up reports it in one sentence.
    }
  }

  @Override
  public void stop() {
    if (root == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary folder; the OS cleans it up eventually
    }
  }
}
