package org.medclip.backend.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.medclip.backend.testing.CorpusTest;
import org.medclip.backend.testing.Sql;
import org.medclip.backend.testing.TestCorpus;
import org.medclip.backend.testing.TestCorpusResource;
import org.medclip.clip.corpus.ImageClefLayout;

/** The ingest core against the real database and the stand-in model (batches of 4). */
@QuarkusTest
@WithTestResource(value = TestCorpusResource.class, scope = TestResourceScope.GLOBAL)
class IngestServiceTest extends CorpusTest {
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
    execute("DELETE FROM image WHERE id LIKE 'ing-%'");
    folder.delete();
  }

  private IngestJobResponse ingest(Consumer<IngestJob> afterBatch) {
    IngestJob job = service.prepare(new IngestRequest(folder.name, null));
    service.run(job, 4, afterBatch);
    return job.snapshot();
  }

  private IngestJobResponse ingest() {
    return ingest(job -> {});
  }

  @Test
  void storesEveryImageWithThumbnailHashAndVector() throws Exception {
    IngestJobResponse r = ingest();
    assertEquals("succeeded", r.state(), r.toString());
    assertEquals(models.a(), r.modelId());
    assertEquals(IngestFolder.TOTAL, r.total());
    assertEquals(IngestFolder.TOTAL, r.processed());
    assertEquals(IngestFolder.TOTAL, r.embedded());
    assertEquals(0, r.skipped() + r.failed());
    assertEquals(IngestFolder.TOTAL, count("SELECT count(*) FROM image WHERE id LIKE 'ing-%'"));
    assertEquals(IngestFolder.TOTAL, vectors());
    assertEquals(
        IngestFolder.TOTAL,
        count("SELECT count(*) FROM image WHERE id LIKE 'ing-%' AND thumbnail IS NOT NULL"));
    assertEquals(
        IngestFolder.TEST,
        count("SELECT count(*) FROM image WHERE id LIKE 'ing-%' AND caption IS NULL"));
    assertEquals(
        IngestFolder.VALIDATION + IngestFolder.TEST,
        count("SELECT count(*) FROM image WHERE id LIKE 'ing-%' AND split = 'test'"));
    assertEquals(
        IngestFolder.TRAINING,
        count(
            "SELECT count(*) FROM image WHERE id LIKE 'ing-%' AND split IN ('train',"
                + " 'validation')"));

    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT file_location, width, height, content_hash, thumbnail FROM image"
                    + " WHERE id = 'ing-00'");
        ResultSet rs = ps.executeQuery()) {
      assertTrue(rs.next());
      assertEquals(
          folder.name + "/training/CaptionPredictionTraining2017/ing-00.png", rs.getString(1));
      assertEquals(300, rs.getInt(2));
      assertEquals(200, rs.getInt(3));
      assertArrayEquals(TestCorpus.sha256(Files.readAllBytes(folder.file(0))), rs.getBytes(4));
      BufferedImage thumb = ImageIO.read(new ByteArrayInputStream(rs.getBytes(5)));
      assertEquals(256, thumb.getWidth());
      assertEquals(171, thumb.getHeight());
    }
    // The stored vector is the model's vector of the file.
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT vector_dims(embedding), round((embedding <#> embedding)::numeric, 4)"
                    + " FROM image_embedding WHERE image_id = 'ing-03' AND model_id = ?")) {
      ps.setLong(1, models.a());
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        assertEquals(16, rs.getInt(1));
        assertEquals(-1.0, rs.getDouble(2), 1e-3, "L2-normalised");
      }
    }
  }

  @Test
  void aReRunSkipsEverythingAndAChangedFileIsReEmbedded() throws Exception {
    assertEquals(IngestFolder.TOTAL, ingest().embedded());
    String before = vectorText("ing-02");

    IngestJobResponse again = ingest();
    assertEquals("succeeded", again.state());
    assertEquals(0, again.embedded());
    assertEquals(IngestFolder.TOTAL, again.skipped());

    byte[] changed = IngestFolder.png(2, 1);
    Files.write(folder.file(2), changed);
    IngestJobResponse third = ingest();
    assertEquals(1, third.embedded(), third.toString());
    assertEquals(IngestFolder.TOTAL - 1, third.skipped());
    assertEquals(IngestFolder.TOTAL, count("SELECT count(*) FROM image WHERE id LIKE 'ing-%'"));
    assertEquals(IngestFolder.TOTAL, vectors());
    assertTrue(!before.equals(vectorText("ing-02")), "re-embedded");
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT content_hash FROM image WHERE id = 'ing-02'");
        ResultSet rs = ps.executeQuery()) {
      assertTrue(rs.next());
      assertArrayEquals(TestCorpus.sha256(changed), rs.getBytes(1));
    }
  }

  @Test
  void aChangedCaptionOfAnUnchangedFileIsUpdatedWithoutReEmbedding() throws Exception {
    assertEquals(IngestFolder.TOTAL, ingest().embedded());
    Path captions = folder.root.resolve(ImageClefLayout.TRAINING_CAPTIONS);
    String text = Files.readString(captions, StandardCharsets.UTF_8);
    Files.writeString(
        captions,
        text.replace("Chest radiograph number 1 with", "Corrected caption number 1 with"),
        StandardCharsets.UTF_8);
    IngestJobResponse again = ingest();
    assertEquals(0, again.embedded());
    assertEquals(IngestFolder.TOTAL, again.skipped());
    assertEquals(
        1,
        count(
            "SELECT count(*) FROM image WHERE id = 'ing-01' AND caption LIKE 'Corrected caption%'"));
  }

  @Test
  void aCorruptFileIsListedWithItsReasonAndTheOthersAreStored() throws Exception {
    Files.writeString(folder.file(5), "this is not an image", StandardCharsets.UTF_8);
    byte[] png = Files.readAllBytes(folder.file(7));
    Files.write(folder.file(7), java.util.Arrays.copyOf(png, png.length / 2));
    IngestJobResponse r = ingest();
    assertEquals("succeeded", r.state());
    assertEquals(IngestFolder.TOTAL - 2, r.embedded());
    assertEquals(2, r.failed());
    assertEquals(IngestFolder.TOTAL, r.processed());
    assertEquals(
        List.of(
            new IngestJobResponse.Failure("ing-05", "NOT_AN_IMAGE"),
            new IngestJobResponse.Failure("ing-07", "CORRUPT")),
        r.failures().stream().sorted((a, b) -> a.imageId().compareTo(b.imageId())).toList());
    assertEquals(IngestFolder.TOTAL - 2, count("SELECT count(*) FROM image WHERE id LIKE 'ing-%'"));
    assertEquals(0, count("SELECT count(*) FROM image WHERE id IN ('ing-05', 'ing-07')"));
  }

  @Test
  void aCancelledJobLeavesWholeBatchesAndAReRunCompletesIt() throws Exception {
    IngestJobResponse first = ingest(IngestJob::cancel);
    assertEquals("cancelled", first.state(), first.toString());
    assertEquals(4, first.embedded());
    assertEquals(4, count("SELECT count(*) FROM image WHERE id LIKE 'ing-%'"));
    assertEquals(4, vectors());

    IngestJobResponse second = ingest();
    assertEquals("succeeded", second.state());
    assertEquals(4, second.skipped());
    assertEquals(IngestFolder.TOTAL - 4, second.embedded());
    assertEquals(IngestFolder.TOTAL, count("SELECT count(*) FROM image WHERE id LIKE 'ing-%'"));
    assertEquals(IngestFolder.TOTAL, vectors());
  }

  @Test
  void aJobThatDiesMidWayIsResumedByARerun() throws Exception {
    int[] batches = {0};
    IngestJobResponse dead =
        ingest(
            job -> {
              if (++batches[0] == 2) {
                throw new IllegalStateException("simulated crash after batch 2");
              }
            });
    assertEquals("failed", dead.state());
    assertTrue(dead.message().contains("Re-run"), dead.message());
    assertEquals(8, count("SELECT count(*) FROM image WHERE id LIKE 'ing-%'"));

    IngestJobResponse rerun = ingest();
    assertEquals("succeeded", rerun.state());
    assertEquals(8, rerun.skipped());
    assertEquals(IngestFolder.TOTAL, count("SELECT count(*) FROM image WHERE id LIKE 'ing-%'"));
    assertEquals(IngestFolder.TOTAL, vectors());
  }

  @Test
  void theModelCanBeNamedAndAnUnknownModelIsRefused() {
    IngestJob job = service.prepare(new IngestRequest(folder.name, models.a()));
    service.run(job, 4, j -> {});
    assertEquals("succeeded", job.snapshot().state());
    org.medclip.backend.common.ApiException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            org.medclip.backend.common.ApiException.class,
            () -> service.prepare(new IngestRequest(folder.name, 999_999L)));
    assertEquals(404, e.status());
    assertNull(job.snapshot().message());
  }

  private long vectors() throws SQLException {
    return count(
        "SELECT count(*) FROM image_embedding WHERE image_id LIKE 'ing-%' AND model_id = "
            + models.a());
  }

  private String vectorText(String id) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT embedding::text FROM image_embedding WHERE image_id = ? AND model_id = ?")) {
      ps.setString(1, id);
      ps.setLong(2, models.a());
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        return rs.getString(1);
      }
    }
  }

  private long count(String sql) throws SQLException {
    return Sql.count(dataSource, sql);
  }
}
