package org.medclip.backend.search;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.medclip.backend.testing.CorpusTest;
import org.medclip.backend.testing.TestCorpus;
import org.medclip.backend.testing.TestCorpusResource;

/** GET /api/search over HTTP against the shared corpus and the stand-in model. */
@QuarkusTest
@WithTestResource(value = TestCorpusResource.class, scope = TestResourceScope.GLOBAL)
class SearchResourceTest extends CorpusTest {

  @Test
  void textSearchFindsCaptionsAndMarksMatchedTerms() {
    JsonPath body = search(Map.of("q", "nodule", "mode", "text", "limit", "100"));
    assertEquals("text", body.getString("mode"));
    assertNull(body.get("modelId"));
    List<String> ids = body.getList("items.id");
    assertEquals(new HashSet<>(TestCorpus.NODULE_IDS), new HashSet<>(ids));
    assertFalse(body.getBoolean("hasMore"));
    List<Map<String, Object>> items = body.getList("items");
    for (int i = 0; i < items.size(); i++) {
      Map<String, Object> item = items.get(i);
      assertEquals(i + 1, item.get("rank"));
      assertTrue(String.valueOf(item.get("snippet")).contains("<mark>"), item.toString());
      Map<?, ?> scores = (Map<?, ?>) item.get("scores");
      assertNull(scores.get("vector"));
      assertEquals(
          ((Number) scores.get("text")).doubleValue(),
          ((Number) scores.get("fused")).doubleValue(),
          1e-12);
      assertEquals("/api/images/" + item.get("id") + "/thumbnail", item.get("thumbnailUrl"));
    }
    assertDescending(body);
  }

  @Test
  void vectorAndHybridSearchReturnScoresInOrder() {
    for (String mode : List.of("vector", "hybrid")) {
      for (String fusion : List.of("linear", "rrf")) {
        JsonPath body =
            search(Map.of("q", "chest nodule", "mode", mode, "fusion", fusion, "limit", "100"));
        assertEquals(mode, body.getString("mode"));
        assertEquals(models.a(), body.getLong("modelId"));
        List<Map<String, Object>> items = body.getList("items");
        assertEquals(
            mode.equals("vector") ? TestCorpus.EMBEDDED.size() : TestCorpus.EMBEDDED.size(),
            items.size(),
            mode);
        for (Map<String, Object> item : items) {
          assertTrue(((Map<?, ?>) item.get("scores")).get("vector") != null, item.toString());
        }
        assertDescending(body);
      }
    }
  }

  @Test
  void defaultModeIsHybridAndAlphaZeroOrdersAsTextSearch() {
    JsonPath hybrid = search(Map.of("q", "nodule", "alpha", "0", "limit", "5"));
    assertEquals("hybrid", hybrid.getString("mode"));
    List<String> text = search(Map.of("q", "nodule", "mode", "text")).getList("items.id");
    assertEquals(text, hybrid.getList("items.id"));
  }

  @Test
  void pagesFollowEachOtherWithoutGapsAndSayWhetherMoreFollow() {
    for (String mode : List.of("text", "vector", "hybrid")) {
      List<String> all =
          search(Map.of("q", "nodule", "mode", mode, "limit", "100")).getList("items.id");
      List<String> paged = new ArrayList<>();
      int offset = 0;
      while (true) {
        JsonPath page =
            search(
                Map.of(
                    "q", "nodule", "mode", mode, "limit", "2", "offset", String.valueOf(offset)));
        List<String> ids = page.getList("items.id");
        List<Integer> ranks = page.getList("items.rank");
        for (int i = 0; i < ranks.size(); i++) {
          assertEquals(offset + i + 1, ranks.get(i));
        }
        paged.addAll(ids);
        offset += 2;
        assertEquals(offset < all.size(), page.getBoolean("hasMore"), mode + " at " + offset);
        if (!page.getBoolean("hasMore")) {
          break;
        }
      }
      assertEquals(all, paged, mode);
    }
  }

  @Test
  void filtersNarrowTheResults() {
    JsonPath body =
        search(Map.of("q", "nodule", "mode", "vector", "split", "test", "limit", "100"));
    assertEquals(List.of("test"), new ArrayList<>(new HashSet<>(body.getList("items.split"))));
    body = search(Map.of("q", "x", "mode", "vector", "hasCaption", "false"));
    assertEquals(List.of("ct-04"), body.getList("items.id"));
    body = search(Map.of("q", "x", "mode", "vector", "minWidth", "90", "minHeight", "60"));
    assertEquals(new HashSet<>(List.of("ct-03", "ct-11")), new HashSet<>(body.getList("items.id")));
  }

  @Test
  void imagesWithoutThumbnailHaveNoThumbnailUrl() {
    JsonPath body = search(Map.of("q", "liver", "mode", "text"));
    assertEquals(List.of("ct-12"), body.getList("items.id"));
    assertNull(body.get("items[0].thumbnailUrl"));
  }

  @Test
  void badParametersAreClearBadRequests() {
    Map<Map<String, String>, String> cases =
        Map.ofEntries(
            Map.entry(Map.of("mode", "text"), "q is empty"),
            Map.entry(Map.of("q", "", "mode", "text"), "q is empty"),
            Map.entry(Map.of("q", "   ", "mode", "vector"), "q is empty"),
            Map.entry(Map.of("q", "a".repeat(10_000)), "longer than 1000 characters"),
            Map.entry(Map.of("q", "x", "mode", "semantic"), "mode must be one of"),
            Map.entry(Map.of("q", "x", "fusion", "max"), "fusion must be linear or rrf"),
            Map.entry(Map.of("q", "x", "alpha", "1.5"), "alpha must be a number between 0 and 1"),
            Map.entry(Map.of("q", "x", "alpha", "-0.1"), "alpha must be"),
            Map.entry(Map.of("q", "x", "alpha", "NaN"), "alpha must be"),
            Map.entry(Map.of("q", "x", "alpha", "half"), "alpha must be"),
            Map.entry(Map.of("q", "x", "limit", "0"), "limit must be an integer between 1 and 100"),
            Map.entry(Map.of("q", "x", "limit", "101"), "limit must be"),
            Map.entry(Map.of("q", "x", "limit", "ten"), "limit must be"),
            Map.entry(Map.of("q", "x", "offset", "-1"), "offset must be an integer between 0"),
            Map.entry(Map.of("q", "x", "split", "training"), "split must be train"),
            Map.entry(Map.of("q", "x", "hasCaption", "yes"), "hasCaption must be true or false"),
            Map.entry(Map.of("q", "x", "minWidth", "-5"), "minWidth must be"),
            Map.entry(Map.of("q", "x", "minHeight", "1e3"), "minHeight must be"));
    cases.forEach(
        (params, message) ->
            given()
                .queryParams(params)
                .when()
                .get("/api/search")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("detail", containsString(message))
                .body("detail", not(containsString("Exception")))
                .body("detail", not(containsString("SELECT"))));
  }

  @Test
  void queryPunctuationAndSqlMetacharactersAreNeverErrors() throws Exception {
    for (String junk :
        List.of(
            "& | ! ( :*",
            "\"unclosed",
            "-",
            "OR OR",
            "a:*b",
            "<->",
            "'; DROP TABLE image; --",
            "\\x00 %_ $$ ;",
            "1' OR '1'='1")) {
      for (String mode : List.of("text", "vector", "hybrid")) {
        given()
            .queryParam("q", junk)
            .queryParam("mode", mode)
            .when()
            .get("/api/search")
            .then()
            .statusCode(200)
            .body("items", notNullValue());
      }
    }
    JsonPath still = search(Map.of("q", "nodule", "mode", "text"));
    assertEquals(TestCorpus.NODULE_IDS.size(), still.getList("items").size());
  }

  @Test
  void aQueryOfStopWordsFindsNothing() {
    search(Map.of("q", "the of and", "mode", "text"));
    given()
        .queryParam("q", "the of and")
        .queryParam("mode", "text")
        .get("/api/search")
        .then()
        .statusCode(200)
        .body("items", hasSize(0))
        .body("hasMore", equalTo(false));
  }

  @Test
  void aPageOfOneHundredStillKnowsWhetherMoreFollow() {
    JsonPath body = search(Map.of("q", "x", "mode", "vector", "limit", "100"));
    assertFalse(body.getBoolean("hasMore"));
    assertEquals(TestCorpus.EMBEDDED.size(), body.getList("items").size());
  }

  @Test
  void withoutAnActiveModelOnlyTextSearchWorks() throws Exception {
    execute("UPDATE model SET state = 'retired' WHERE state = 'active'");
    try {
      for (String mode : List.of("vector", "hybrid")) {
        given()
            .queryParam("q", "nodule")
            .queryParam("mode", mode)
            .get("/api/search")
            .then()
            .statusCode(503)
            .contentType("application/problem+json")
            .body("detail", containsString("No model is active: "));
      }
      given()
          .get("/api/images/ct-01/similar")
          .then()
          .statusCode(503)
          .body("detail", containsString("No model is active: "));
      given()
          .queryParam("q", "nodule")
          .queryParam("mode", "text")
          .get("/api/search")
          .then()
          .statusCode(200)
          .body("items", hasSize(TestCorpus.NODULE_IDS.size()));
    } finally {
      execute("SELECT activate_model(" + models.a() + ")");
    }
    // Activated again from outside the API: the service serves it by itself.
    given()
        .queryParam("q", "nodule")
        .queryParam("mode", "vector")
        .get("/api/search")
        .then()
        .statusCode(200)
        .body("modelId", equalTo((int) models.a()));
  }

  @Test
  void everyErrorIsAProblemWithoutInternals() {
    given()
        .queryParam("q", "x")
        .queryParam("limit", "0")
        .get("/api/search")
        .then()
        .statusCode(400)
        .body("title", equalTo("Bad Request"))
        .body("instance", equalTo("/api/search"))
        .body("detail", not(containsString("at org.")))
        .body("type", notNullValue())
        .body("items", nullValue());
  }

  private static JsonPath search(Map<String, String> params) {
    RequestSpecification request = given().queryParams(params);
    return request
        .when()
        .get("/api/search")
        .then()
        .statusCode(200)
        .contentType("application/json")
        .body("items.id", everyItem(notNullValue()))
        .extract()
        .jsonPath();
  }

  private static void assertDescending(JsonPath body) {
    List<Double> fused = body.getList("items.scores.fused", Double.class);
    List<String> ids = body.getList("items.id");
    for (int i = 1; i < fused.size(); i++) {
      assertTrue(fused.get(i - 1) >= fused.get(i), "order at " + i + ": " + fused);
      if (fused.get(i - 1).equals(fused.get(i))) {
        assertTrue(ids.get(i - 1).compareTo(ids.get(i)) < 0, "ties by id: " + ids);
      }
    }
  }
}
