package org.medclip.backend.db;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.medclip.backend.testing.CorpusTest;
import org.medclip.backend.testing.DatabaseProxyResource;
import org.medclip.backend.testing.DatabaseProxyResource.InjectDatabaseProxy;
import org.medclip.backend.testing.TcpProxy;

/**
 * The database goes away and comes back while the service runs: the backend reaches PostgreSQL
 * through a {@link TcpProxy} that the test cuts (every connection closed, new ones refused) and
 * restores. Its own Quarkus start (the datasource URL points at the proxy), so one class only.
 */
@QuarkusTest
@WithTestResource(
    value = DatabaseProxyResource.class,
    scope = TestResourceScope.RESTRICTED_TO_CLASS)
class DatabaseOutageTest extends CorpusTest {
  /** Longest accepted answer while the database is down: the pool's 5 s acquisition timeout + 3. */
  private static final long MAX_MILLIS = 8_000;

  private static final String DETAIL =
      "The database is not reachable right now; try again in a moment.";

  /** Requests that need the database, in every search mode and on every resource kind. */
  private static final List<String> READS =
      List.of(
          "/api/search?q=nodule&mode=text",
          "/api/search?q=nodule&mode=vector",
          "/api/search?q=nodule&mode=hybrid",
          "/api/images/ct-01/similar",
          "/api/images/ct-01",
          "/api/models",
          "/api/stats");

  @InjectDatabaseProxy TcpProxy proxy;

  @AfterEach
  void databaseBack() throws IOException {
    proxy.restore();
  }

  @Test
  void requestsAnswer503WhileTheDatabaseIsDownAndSucceedAgainWithoutARestart() throws Exception {
    Map<String, String> before = new LinkedHashMap<>();
    for (String path : READS) {
      before.put(path, given().get(path).then().statusCode(200).extract().asString());
    }
    given().get("/q/health/ready").then().statusCode(200);
    assertTrue(proxy.openConnections() > 0, "the pool holds connections through the proxy");

    proxy.cut();
    long worst = 0;
    // Round 1 meets the pool's connections the cut broke; later rounds new connections refused.
    for (int round = 0; round < 3; round++) {
      for (String path : READS) {
        long start = System.nanoTime();
        Response r = given().get(path);
        long millis = (System.nanoTime() - start) / 1_000_000;
        worst = Math.max(worst, millis);
        assertUnavailable(path, r);
        assertTrue(millis < MAX_MILLIS, path + " took " + millis + " ms");
      }
    }
    Response health = given().get("/q/health/ready");
    assertEquals(503, health.statusCode(), health.asString());
    assertEquals("DOWN", health.path("status"), health.asString());
    assertEquals(
        "DOWN", health.path("checks.find { it.name == 'active-model' }.status"), health.asString());
    Response status = given().get("/api/status");
    assertEquals(
        200, status.statusCode(), "the UI's status endpoint reports the outage in its body");
    assertEquals("down", status.path("database.status"));
    assertEquals("The database server cannot be reached.", status.path("database.detail"));

    proxy.restore();
    long restored = System.nanoTime();
    // The very first request after the restore succeeds: no stale pooled connection is handed out.
    for (String path : READS) {
      Response r = given().get(path);
      assertEquals(200, r.statusCode(), path + ": " + r.asString());
      assertEquals(before.get(path), r.asString(), path);
    }
    long recoveryMillis = (System.nanoTime() - restored) / 1_000_000;
    given().get("/q/health/ready").then().statusCode(200);
    Response up = given().get("/api/status");
    assertEquals("up", up.path("database.status"));
    System.out.printf(
        "DatabaseOutageTest: slowest answer while down %d ms; %d requests after the restore"
            + " answered in %d ms%n",
        worst, READS.size(), recoveryMillis);
  }

  @Test
  void afterAnOutageNoRequestSawThePoolHandsOutNoBrokenConnection() throws Exception {
    // A restart of the database while nobody searches: the pooled connections are broken, and
    // the first requests afterwards must not be the ones that find out.
    for (String path : READS) {
      given().get(path).then().statusCode(200);
    }
    assertTrue(proxy.openConnections() > 0, "the pool holds connections through the proxy");
    proxy.cut();
    Thread.sleep(1_500);
    proxy.restore();
    for (String path : READS) {
      Response r = given().get(path);
      assertEquals(200, r.statusCode(), path + ": " + r.asString());
    }
  }

  private void assertUnavailable(String path, Response r) {
    String body = r.asString();
    assertEquals(503, r.statusCode(), path + ": " + body);
    assertTrue(
        r.contentType().startsWith("application/problem+json"), path + ": " + r.contentType());
    assertEquals(503, (int) r.path("status"), body);
    assertEquals("Service Unavailable", r.path("title"), body);
    assertEquals(DETAIL, r.path("detail"), body);
    String lower = body.toLowerCase(Locale.ROOT);
    for (String leak :
        new String[] {
          "127.0.0.1",
          "localhost",
          String.valueOf(proxy.port()),
          "55432",
          "jdbc",
          "postgres",
          "sql",
          "select",
          "exception",
          "acquisition",
          "at org.",
          "\n"
        }) {
      assertFalse(lower.contains(leak), path + " leaks '" + leak + "': " + body);
    }
  }
}
