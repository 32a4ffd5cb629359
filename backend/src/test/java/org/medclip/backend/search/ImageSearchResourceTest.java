package org.medclip.backend.search;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.medclip.backend.testing.CorpusTest;
import org.medclip.backend.testing.TestCorpus;
import org.medclip.backend.testing.TestCorpusResource;

/** POST /api/search/image and GET /api/images/{id}/similar over HTTP. */
@QuarkusTest
@WithTestResource(value = TestCorpusResource.class, scope = TestResourceScope.GLOBAL)
class ImageSearchResourceTest extends CorpusTest {

  @Test
  void uploadedCorpusImageFindsItselfFirst() throws Exception {
    byte[] png = TestCorpus.png(TestCorpus.IMAGES.get(2)); // ct-03
    JsonPath body =
        given()
            .multiPart("file", "ct-03.png", png, "image/png")
            .when()
            .post("/api/search/image")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals("image", body.getString("mode"));
    assertEquals(models.a(), body.getLong("modelId"));
    assertEquals("ct-03", body.getString("items[0].id"));
    assertEquals(1.0, body.getDouble("items[0].scores.vector"), 1e-4);
    assertEquals(TestCorpus.EMBEDDED.size(), body.getList("items").size());
  }

  @Test
  void uploadWithTextIsHybridAndPages() throws Exception {
    byte[] png = TestCorpus.png(TestCorpus.IMAGES.get(0));
    given()
        .multiPart("file", "q.png", png, "image/png")
        .multiPart("q", "nodule")
        .multiPart("fusion", "rrf")
        .multiPart("limit", "3")
        .multiPart("split", "train")
        .when()
        .post("/api/search/image")
        .then()
        .statusCode(200)
        .body("mode", equalTo("hybrid"))
        .body("items", hasSize(3))
        .body("hasMore", equalTo(true))
        .body("items.split", org.hamcrest.Matchers.everyItem(equalTo("train")));
    given()
        .multiPart("file", "q.png", png, "image/png")
        .multiPart("mode", "hybrid")
        .when()
        .post("/api/search/image")
        .then()
        .statusCode(400)
        .body("detail", containsString("q is empty"));
  }

  @Test
  void badUploadsAreClearErrors() throws Exception {
    byte[] png = TestCorpus.png(TestCorpus.IMAGES.get(0));
    upload(new byte[0], 400, "The uploaded file is empty.");
    upload("just some text, not an image".getBytes(StandardCharsets.UTF_8), 415, "not a JPEG");
    upload("%PDF-1.4 not an image".getBytes(StandardCharsets.UTF_8), 415, "not a JPEG");
    upload(Arrays.copyOf(png, png.length / 2), 400, "damaged or truncated");
    byte[] huge = new byte[(int) SearchService.MAX_UPLOAD_BYTES + 1];
    System.arraycopy(png, 0, huge, 0, 64);
    upload(huge, 413, "larger than 10 MB");
    upload(pngHeader(20_000, 20_000), 400, "more than the limit of 100 megapixels");
    given()
        .multiPart("q", "nodule")
        .when()
        .post("/api/search/image")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("multipart part 'file'"));
    given()
        .multiPart("file", "a.png", png, "image/png")
        .multiPart("mode", "vector")
        .when()
        .post("/api/search/image")
        .then()
        .statusCode(400)
        .body("detail", containsString("mode must be one of hybrid, image"));
  }

  @Test
  void similarImagesLeaveTheImageItselfOut() {
    for (String mode : List.of("image", "image_text")) {
      JsonPath body =
          given()
              .queryParam("mode", mode)
              .queryParam("limit", "100")
              .get("/api/images/ct-01/similar")
              .then()
              .statusCode(200)
              .extract()
              .jsonPath();
      assertEquals(mode, body.getString("mode"));
      List<String> ids = body.getList("items.id");
      assertFalse(ids.contains("ct-01"), ids.toString());
      assertTrue(ids.containsAll(List.of("ct-03", "ct-06")), ids.toString());
    }
    given()
        .queryParam("limit", "2")
        .get("/api/images/ct-01/similar")
        .then()
        .statusCode(200)
        .body("items", hasSize(2))
        .body("hasMore", equalTo(true));
  }

  @Test
  void similarErrors() {
    given()
        .get("/api/images/ct-99/similar")
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("detail", equalTo("Image ct-99 does not exist."));
    given()
        .get("/api/images/ct-14/similar")
        .then()
        .statusCode(409)
        .body("detail", containsString("has no vector"));
    given()
        .queryParam("mode", "text")
        .get("/api/images/ct-01/similar")
        .then()
        .statusCode(400)
        .body("detail", containsString("mode must be one of image, image_text"));
    given()
        .queryParam("alpha", "2")
        .get("/api/images/ct-01/similar")
        .then()
        .statusCode(400)
        .body("detail", containsString("alpha"));
    given()
        .urlEncodingEnabled(false)
        .get("/api/images/..%2F..%2Fetc%2Fpasswd/similar")
        .then()
        .statusCode(org.hamcrest.Matchers.anyOf(equalTo(400), equalTo(404)))
        .body(not(containsString("root:")));
  }

  private static void upload(byte[] bytes, int status, String detail) {
    given()
        .multiPart("file", "upload.bin", bytes, "application/octet-stream")
        .when()
        .post("/api/search/image")
        .then()
        .statusCode(status)
        .contentType("application/problem+json")
        .body("detail", containsString(detail));
  }

  /** A PNG whose header declares width x height pixels (no pixel data). */
  private static byte[] pngHeader(int width, int height) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height);
    ihdr.put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
    chunk(out, "IHDR", ihdr.array());
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws Exception {
    out.write(ByteBuffer.allocate(4).putInt(data.length).array());
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.write(t);
    out.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
