package org.medclip.backend.model;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.medclip.backend.testing.CorpusTest;
import org.medclip.backend.testing.TestCorpus;
import org.medclip.backend.testing.TestCorpusResource;

/** GET /api/models, POST /api/models/{id}/activate and GET /api/stats over HTTP. */
@QuarkusTest
@WithTestResource(value = TestCorpusResource.class, scope = TestResourceScope.GLOBAL)
class ModelResourceTest extends CorpusTest {

  @Test
  void listsModelsWithStateAndEmbeddedImagesButNoBundleLocation() {
    String body =
        given()
            .get("/api/models")
            .then()
            .statusCode(200)
            .body("", hasSize(3))
            .body("find { it.name == 'standin-clip' }.state", equalTo("active"))
            .body("find { it.name == 'standin-clip' }.dimension", equalTo(16))
            .body(
                "find { it.name == 'standin-clip' }.embeddedImages",
                equalTo(TestCorpus.EMBEDDED.size()))
            .body("find { it.name == 'standin-clip@2' }.state", not(equalTo("active")))
            .extract()
            .asString();
    assertFalse(body.contains("bundle"), body);
    assertFalse(body.contains(testRoot), body);
  }

  @Test
  void activationSwitchesTheServingModelAndCanGoBack() {
    given()
        .post("/api/models/" + models.b() + "/activate")
        .then()
        .statusCode(200)
        .body("state", equalTo("active"))
        .body("name", equalTo("standin-clip@2"));
    given()
        .get("/api/models")
        .then()
        .body("find { it.name == 'standin-clip' }.state", equalTo("retired"));
    given()
        .queryParam("q", "nodule")
        .queryParam("mode", "vector")
        .get("/api/search")
        .then()
        .statusCode(200)
        .body("modelId", equalTo((int) models.b()))
        .body("items", hasSize(0));
    given()
        .post("/api/models/" + models.a() + "/activate")
        .then()
        .statusCode(200)
        .body("state", equalTo("active"))
        .body("embeddedImages", equalTo(TestCorpus.EMBEDDED.size()));
    given()
        .queryParam("q", "nodule")
        .queryParam("mode", "vector")
        .get("/api/search")
        .then()
        .statusCode(200)
        .body("modelId", equalTo((int) models.a()))
        .body("items", hasSize(TestCorpus.EMBEDDED.size()));
  }

  @Test
  void aModelWhoseBundleDoesNotMatchIsNotActivated() {
    given()
        .post("/api/models/" + models.wrong() + "/activate")
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("detail", containsString("'wrong-name' with dimension 8"))
        .body("detail", containsString("dimension 16"))
        .body("detail", not(containsString(testRoot)));
    given()
        .get("/api/models")
        .then()
        .body("find { it.name == 'standin-clip' }.state", equalTo("active"))
        .body("find { it.name == 'wrong-name' }.state", equalTo("indexing"));
  }

  @Test
  void unknownModelsAreNotFound() {
    for (String id : new String[] {"999999", "abc", "-1", "0"}) {
      given()
          .post("/api/models/" + id + "/activate")
          .then()
          .statusCode(404)
          .contentType("application/problem+json")
          .body("detail", containsString("No model has"));
    }
  }

  @Test
  void statsCountImagesPerSplitAndModels() {
    long train = TestCorpus.IMAGES.stream().filter(i -> i.split().equals("train")).count();
    long captioned = TestCorpus.IMAGES.stream().filter(i -> i.caption() != null).count();
    given()
        .get("/api/stats")
        .then()
        .statusCode(200)
        .body("corpus.images", equalTo(TestCorpus.IMAGES.size()))
        .body("corpus.captioned", equalTo((int) captioned))
        .body("corpus.splits.train", equalTo((int) train))
        .body("models", hasSize(3))
        .body(
            "models.find { it.name == 'standin-clip' }.embeddedImages",
            equalTo(TestCorpus.EMBEDDED.size()));
  }

  @Test
  void openApiDocumentsEveryEndpoint() {
    var spec =
        given().accept("application/json").get("/q/openapi").then().statusCode(200).extract();
    for (String path :
        new String[] {
          "'/api/search'.get",
          "'/api/search/image'.post",
          "'/api/images/{id}'.get",
          "'/api/images/{id}/thumbnail'.get",
          "'/api/images/{id}/file'.get",
          "'/api/images/{id}/similar'.get",
          "'/api/models'.get",
          "'/api/models/{id}/activate'.post",
          "'/api/stats'.get"
        }) {
      org.junit.jupiter.api.Assertions.assertNotNull(
          spec.jsonPath().get("paths." + path + ".summary"), path);
    }
    org.junit.jupiter.api.Assertions.assertNotNull(
        spec.jsonPath()
            .get("paths.'/api/search'.get.responses.'400'.content.'application/problem+json'"));
    org.junit.jupiter.api.Assertions.assertEquals(
        "left lower lobe consolidation",
        spec.jsonPath().get("paths.'/api/search'.get.parameters.find { it.name == 'q' }.example"));
  }
}
