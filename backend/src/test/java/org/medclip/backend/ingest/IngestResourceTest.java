package org.medclip.backend.ingest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.medclip.backend.testing.CorpusTest;
import org.medclip.backend.testing.TestCorpusResource;

/** POST, GET and DELETE /api/ingest-jobs over HTTP. */
@QuarkusTest
@WithTestResource(value = TestCorpusResource.class, scope = TestResourceScope.GLOBAL)
class IngestResourceTest extends CorpusTest {
  @Inject IngestService service;

  @ConfigProperty(name = "medclip.images.root")
  String imagesRoot;

  private IngestFolder folder;

  @BeforeEach
  void folder() throws IOException {
    folder = IngestFolder.write(Path.of(imagesRoot));
  }

  @AfterEach
  void cleanUp() throws SQLException, IOException {
    service.afterBatch(null);
    execute("DELETE FROM image WHERE id LIKE 'ing-%'");
    folder.delete();
  }

  private static Response start(String body) {
    return given().contentType(ContentType.JSON).body(body).post("/api/ingest-jobs");
  }

  private static Response awaitEnd(String id) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      Response r = given().get("/api/ingest-jobs/" + id);
      r.then().statusCode(200);
      if (!"running".equals(r.path("state"))) {
        return r;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("ingest job " + id + " did not end within 60 s");
  }

  @Test
  void aJobRunsToCompletionAndReportsItsCounts() throws Exception {
    Response started = start("{\"source\": \"" + folder.name + "\"}");
    started
        .then()
        .statusCode(202)
        .header("Location", containsString("/api/ingest-jobs/"))
        .body("total", equalTo(IngestFolder.TOTAL))
        .body("modelId", equalTo((int) models.a()));
    String body = started.asString();
    assertFalse(body.contains(imagesRoot), body);
    Response done = awaitEnd(started.path("id"));
    done.then()
        .body("state", equalTo("succeeded"))
        .body("processed", equalTo(IngestFolder.TOTAL))
        .body("embedded", equalTo(IngestFolder.TOTAL))
        .body("failed", equalTo(0));
    assertTrue(done.<Float>path("imagesPerSecond") > 0);

    // An absolute source under the root works too, and skips what is stored.
    Response again = start("{\"source\": \"" + folder.root + "\"}");
    again.then().statusCode(202);
    awaitEnd(again.path("id"))
        .then()
        .body("state", equalTo("succeeded"))
        .body("skipped", equalTo(IngestFolder.TOTAL))
        .body("embedded", equalTo(0));
  }

  @Test
  void aSecondJobWhileOneRunsIsAConflictAndCancelStopsTheFirst() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    service.afterBatch(
        job -> {
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    String id =
        start("{\"source\": \"" + folder.name + "\"}").then().statusCode(202).extract().path("id");
    try {
      start("{\"source\": \"" + folder.name + "\"}")
          .then()
          .statusCode(409)
          .contentType("application/problem+json")
          .body("detail", containsString(id));
      given()
          .delete("/api/ingest-jobs/" + id)
          .then()
          .statusCode(200)
          .body("cancelRequested", equalTo(true));
    } finally {
      release.countDown();
    }
    Response end = awaitEnd(id);
    end.then().body("state", equalTo("cancelled"));
    assertEquals(
        Math.min(32, IngestFolder.TOTAL), end.<Integer>path("embedded").intValue(), end.asString());
  }

  @Test
  void unknownJobsAre404() {
    given()
        .get("/api/ingest-jobs/no-such-job")
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("detail", containsString("No ingest job"));
    given().delete("/api/ingest-jobs/no-such-job").then().statusCode(404);
  }

  @Test
  void badFoldersAre400WithOneSentence() throws IOException {
    start("{}").then().statusCode(400).body("detail", containsString("source"));
    start("{\"source\": \"/\"}")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("image root"));
    start("{\"source\": \"../..\"}")
        .then()
        .statusCode(400)
        .body("detail", containsString("image root"));
    start("{\"source\": \"" + folder.name + "-missing\"}")
        .then()
        .statusCode(400)
        .body("detail", containsString("does not exist"));
    Path empty = Path.of(imagesRoot).resolve(folder.name + "-empty");
    Files.createDirectories(empty);
    try {
      String detail =
          start("{\"source\": \"" + folder.name + "-empty\"}")
              .then()
              .statusCode(400)
              .extract()
              .path("detail");
      assertFalse(detail.contains(imagesRoot), detail);
    } finally {
      Files.delete(empty);
    }
    start("{\"source\": \"" + folder.name + "\", \"modelId\": 999999}").then().statusCode(404);
  }
}
