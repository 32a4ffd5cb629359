package org.medclip.backend.image;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.medclip.backend.testing.CorpusTest;
import org.medclip.backend.testing.TestCorpus;
import org.medclip.backend.testing.TestCorpusResource;

/** GET /api/images/{id}, /thumbnail and /file over HTTP, including path traversal attempts. */
@QuarkusTest
@WithTestResource(value = TestCorpusResource.class, scope = TestResourceScope.GLOBAL)
class ImageResourceTest extends CorpusTest {

  @Test
  void metadataNeverShowsTheFileLocation() {
    String body =
        given()
            .get("/api/images/ct-01")
            .then()
            .statusCode(200)
            .contentType("application/json")
            .body("id", equalTo("ct-01"))
            .body("split", equalTo("train"))
            .body("caption", containsString("nodule"))
            .body("width", equalTo(64))
            .body("height", equalTo(48))
            .body("thumbnailUrl", equalTo("/api/images/ct-01/thumbnail"))
            .body("fileUrl", equalTo("/api/images/ct-01/file"))
            .extract()
            .asString();
    assertFalse(body.contains("ct-01.png"), body);
    assertFalse(body.toLowerCase().contains("location"), body);
    given().get("/api/images/ct-12").then().statusCode(200).body("thumbnailUrl", nullValue());
  }

  @Test
  void thumbnailHasAStrongETagAndRevalidates() throws Exception {
    Response r = given().get("/api/images/ct-01/thumbnail");
    r.then().statusCode(200).contentType("image/jpeg");
    byte[] jpeg = r.asByteArray();
    assertEquals(0xFF, jpeg[0] & 0xFF);
    assertEquals(0xD8, jpeg[1] & 0xFF);
    String etag = r.header("ETag");
    assertEquals("\"" + HexFormat.of().formatHex(TestCorpus.sha256(jpeg)) + "\"", etag);
    assertTrue(r.header("Cache-Control").contains("max-age"), r.header("Cache-Control"));
    given()
        .header("If-None-Match", etag)
        .get("/api/images/ct-01/thumbnail")
        .then()
        .statusCode(304)
        .header("ETag", etag);
    given()
        .header("If-None-Match", "\"something-else\"")
        .get("/api/images/ct-01/thumbnail")
        .then()
        .statusCode(200);
  }

  @Test
  void imageWithoutThumbnailIsNotFound() {
    given()
        .get("/api/images/ct-12/thumbnail")
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("detail", equalTo("Image ct-12 has no thumbnail."));
  }

  @Test
  void originalFileIsServedWithItsContentHash() throws Exception {
    TestCorpus.Image image = TestCorpus.IMAGES.get(0);
    byte[] expected = TestCorpus.png(image);
    Response r = given().get("/api/images/ct-01/file");
    r.then().statusCode(200).contentType("image/png");
    assertArrayEquals(expected, r.asByteArray());
    String etag = "\"" + HexFormat.of().formatHex(TestCorpus.sha256(expected)) + "\"";
    assertEquals(etag, r.header("ETag"));
    given().header("If-None-Match", etag).get("/api/images/ct-01/file").then().statusCode(304);
  }

  @Test
  void missingFileIsNotFoundWithoutAPath() {
    given()
        .get("/api/images/ct-12/file")
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("detail", equalTo("The original file of image ct-12 is not available."));
  }

  @Test
  void aFileLocationOutsideTheRootIsNeverServed() {
    // ct-13's stored location is "../outside.png"; that file exists next to the image root.
    given()
        .get("/api/images/ct-13/file")
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("detail", not(containsString("outside")))
        .body("detail", not(containsString(testRoot)));
  }

  @Test
  void unknownIdsAreNotFound() {
    for (String path :
        List.of("/api/images/ct-99", "/api/images/ct-99/thumbnail", "/api/images/ct-99/file")) {
      given()
          .get(path)
          .then()
          .statusCode(404)
          .contentType("application/problem+json")
          .body("detail", equalTo("No image has id ct-99."));
    }
  }

  @Test
  void pathTraversalAttemptsNeverLeak() {
    List<String> attempts =
        List.of(
            "/api/images/..%2F..%2Fetc%2Fpasswd",
            "/api/images/..%2F..%2Fetc%2Fpasswd/file",
            "/api/images/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd/file",
            "/api/images/%2E%2E/file",
            "/api/images/..%252F..%252Fetc%252Fpasswd/file",
            "/api/images/.hidden/file",
            "/api/images/..%5C..%5Cwindows/file",
            "/api/images/ct-01%00.png/file",
            "/api/images/" + "a".repeat(201) + "/thumbnail",
            "/api/images/..%2Foutside.png/file");
    for (String path : attempts) {
      Response r = given().urlEncodingEnabled(false).get(path);
      int status = r.statusCode();
      String body = r.asString();
      assertTrue(status == 400 || status == 404, path + " -> " + status);
      assertFalse(body.contains("root:"), path);
      assertFalse(body.contains(testRoot), path);
      assertFalse(body.contains("Exception"), path);
    }
  }
}
