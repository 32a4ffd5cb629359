package org.medclip.backend.search;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.medclip.backend.testing.CorpusTest;
import org.medclip.backend.testing.Sql;
import org.medclip.backend.testing.TestCorpus;
import org.medclip.backend.testing.TestCorpusResource;

/** POST /api/search/vector over HTTP: a caller's own vector of the active model. */
@QuarkusTest
@WithTestResource(value = TestCorpusResource.class, scope = TestResourceScope.GLOBAL)
class VectorSearchResourceTest extends CorpusTest {

  @Test
  void aStoredVectorFindsItsImageFirstInTheSqlFunctionsOrder() throws SQLException {
    String id = TestCorpus.EMBEDDED.get(3);
    String vector = storedVector(id);
    JsonPath body = post(Map.of("limit", "100"), "{\"vector\": " + vector + "}", 200);
    assertEquals("vector", body.getString("mode"));
    assertEquals(models.a(), body.getLong("modelId"));
    List<String> ids = body.getList("items.id");
    assertEquals(id, ids.get(0));
    assertEquals(1.0, body.getDouble("items[0].scores.vector"), 1e-5);
    assertEquals(
        sqlIds(
            "SELECT image_id FROM search_vector(?::vector, 100, p_model_id => " + models.a() + ")",
            vector,
            null),
        ids);
    assertFalse(body.getBoolean("hasMore"));
  }

  @Test
  void withATextItIsHybridSearchAndPages() throws SQLException {
    String vector = storedVector(TestCorpus.EMBEDDED.get(0));
    JsonPath body =
        post(Map.of("q", "nodule", "limit", "100"), "{\"vector\": " + vector + "}", 200);
    assertEquals("hybrid", body.getString("mode"));
    List<String> ids = body.getList("items.id");
    assertEquals(
        sqlIds(
            "SELECT image_id FROM search_hybrid(?, ?::vector, p_limit => 100, p_model_id => "
                + models.a()
                + ")",
            vector,
            "nodule"),
        ids);
    List<Map<String, Object>> items = body.getList("items");
    for (Map<String, Object> item : items) {
      Map<?, ?> scores = (Map<?, ?>) item.get("scores");
      assertNotNull(scores.get("text"), item.toString());
      assertNotNull(scores.get("vector"), item.toString());
    }
    JsonPath first = post(Map.of("q", "nodule", "limit", "2"), "{\"vector\": " + vector + "}", 200);
    assertEquals(ids.subList(0, 2), first.getList("items.id"));
    assertTrue(first.getBoolean("hasMore"));
    // the model named explicitly, when it is the active one, changes nothing
    assertEquals(
        ids,
        post(
                Map.of("q", "nodule", "limit", "100", "modelId", String.valueOf(models.a())),
                "{\"vector\": " + vector + "}",
                200)
            .getList("items.id"));
  }

  @Test
  void badBodiesAndParametersAreClearErrors() throws SQLException {
    String vector = storedVector(TestCorpus.EMBEDDED.get(0));
    int dimension = vector.split(",").length;
    String ok = "{\"vector\": " + vector + "}";
    problem(Map.of(), "", 400, "The request body is empty");
    problem(Map.of(), "{\"vector\": [1, 2,", 400, "not valid JSON");
    problem(Map.of(), "[1, 2, 3]", 400, "must be a JSON object");
    problem(Map.of(), "{\"vectors\": [1]}", 400, "Unknown field 'vectors'");
    problem(Map.of(), "{\"vector\": []}", 400, "non-empty array of numbers");
    problem(Map.of(), "{\"vector\": \"0.1, 0.2\"}", 400, "non-empty array of numbers");
    problem(Map.of(), "{\"vector\": [0.1, \"x\"]}", 400, "vector[1] is not a number");
    problem(Map.of(), "{\"vector\": [1e60]}", 400, "vector[0] is too large");
    problem(Map.of(), "{\"vector\": [0.5, 0.5]}", 400, "The vector has 2 dimensions");
    problem(Map.of(), "{\"vector\": [" + "0,".repeat(dimension - 1) + "0]}", 400, "all zeros");
    problem(Map.of("mode", "image"), ok, 400, "mode must be one of hybrid, vector");
    problem(Map.of("mode", "hybrid"), ok, 400, "q");
    problem(Map.of("limit", "0"), ok, 400, "limit");
    problem(Map.of("modelId", "abc"), ok, 400, "modelId must be a whole number");
    problem(Map.of("modelId", String.valueOf(models.b())), ok, 409, "is the active one");
    given()
        .contentType("text/plain")
        .body(ok)
        .post("/api/search/vector")
        .then()
        .statusCode(415)
        .contentType("application/problem+json");
  }

  private String storedVector(String imageId) throws SQLException {
    String vector =
        Sql.scalar(
            dataSource,
            "SELECT embedding::text FROM image_embedding WHERE image_id = '"
                + imageId
                + "' AND model_id = "
                + models.a());
    assertNotNull(vector, imageId);
    return vector;
  }

  private List<String> sqlIds(String sql, String vector, String text) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      if (text != null) {
        ps.setString(i++, text);
      }
      ps.setString(i, vector);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
    }
    return ids;
  }

  private static JsonPath post(Map<String, String> params, String body, int status) {
    return send(params, body).statusCode(status).extract().jsonPath();
  }

  private static void problem(Map<String, String> params, String body, int status, String part) {
    send(params, body)
        .statusCode(status)
        .contentType("application/problem+json")
        .body("detail", containsString(part))
        .body("detail", not(containsString("Exception")));
  }

  private static ValidatableResponse send(Map<String, String> params, String body) {
    return given()
        .contentType("application/json")
        .queryParams(params)
        .body(body)
        .post("/api/search/vector")
        .then();
  }
}
