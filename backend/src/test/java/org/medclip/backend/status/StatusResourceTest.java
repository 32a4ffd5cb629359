package org.medclip.backend.status;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class StatusResourceTest {

  @Test
  void reportsDatabaseAndModelStatus() {
    given()
        .when()
        .get("/api/status")
        .then()
        .statusCode(200)
        .body("database.status", equalTo("up"))
        .body("database.version", startsWith("1"))
        .body("database.pgvector", notNullValue())
        .body("model.status", notNullValue())
        .body("corpus.images", notNullValue());
  }

  @Test
  void unknownApiPathIsAProblemDocument() {
    given()
        .when()
        .get("/api/does-not-exist")
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("status", equalTo(404))
        .body("detail", notNullValue());
  }

  @Test
  void healthReportsDatabaseAndActiveModel() {
    given()
        .when()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body(
            "checks.name",
            org.hamcrest.Matchers.hasItems("active-model", "Database connections health check"));
  }

  @Test
  void openApiDocumentDescribesTheStatusEndpoint() {
    given()
        .accept("application/json")
        .when()
        .get("/q/openapi")
        .then()
        .statusCode(200)
        .body("paths.'/api/status'.get.summary", equalTo("Service status"));
  }

  @Test
  void spaIsServedAtRoot() {
    given().when().get("/").then().statusCode(200).contentType(startsWith("text/html"));
  }
}
