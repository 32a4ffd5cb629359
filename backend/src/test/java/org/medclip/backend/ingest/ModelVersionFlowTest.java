package org.medclip.backend.ingest;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.medclip.backend.testing.Sql;
import org.medclip.backend.testing.StandInBundle;
import org.medclip.backend.testing.TestCorpusResource;
import org.medclip.clip.ClipEncoder;
import org.medclip.clip.corpus.ImageClefLayout;

/**
 * A new model version goes live, over HTTP, against the real database and ONNX Runtime: model A
 * serves a corpus; model B (another bundle, another dimension) is registered and the corpus is
 * embedded under it by an ingest job while A keeps answering every search; B is activated in one
 * transaction and serves at once (the backend swaps its encoder without a restart); A is
 * re-activated and answers exactly as before.
 *
 * <p>The test owns the tables while it runs (it empties them, as other classes do); the shared
 * corpus is rebuilt by the next {@code CorpusTest}.
 */
@QuarkusTest
@WithTestResource(value = TestCorpusResource.class, scope = TestResourceScope.GLOBAL)
class ModelVersionFlowTest {
  private static final int TRAINING = 46;
  private static final int VALIDATION = 16;
  private static final int TEST = 8;
  private static final int TOTAL = TRAINING + VALIDATION + TEST;

  /** Images per ingest batch (medclip.ingest.batch-size): 70 images are 3 batches. */
  private static final int BATCH = 32;

  private static final int DIM_A = StandInBundle.DIM;
  private static final int DIM_B = 24;
  private static final String QUERY = "nodule";

  @Inject AgroalDataSource dataSource;
  @Inject IngestService ingest;

  @ConfigProperty(name = "medclip.images.root")
  String imagesRoot;

  @ConfigProperty(name = "medclip.test.root")
  String testRoot;

  @ConfigProperty(name = "quarkus.datasource.jdbc.url")
  String jdbcUrl;

  @ConfigProperty(name = "quarkus.datasource.username")
  String jdbcUser;

  @ConfigProperty(name = "quarkus.datasource.password")
  String jdbcPassword;

  private Path folder;
  private Path bundles;
  private String jobId;
  private final AtomicBoolean released = new AtomicBoolean();
  private final Semaphore proceed = new Semaphore(0);

  @AfterEach
  void cleanUp() throws Exception {
    released.set(true);
    proceed.release(1000);
    ingest.afterBatch(null);
    if (jobId != null) {
      given().delete("/api/ingest-jobs/" + jobId);
      awaitEnd(jobId);
    }
    execute("SELECT drop_model(id) FROM model WHERE name LIKE 'flow-clip@%'");
    execute("DELETE FROM image WHERE id LIKE 'flow-%'");
    for (Path p : new Path[] {folder, bundles}) {
      if (p != null) {
        try (Stream<Path> paths = Files.walk(p)) {
          for (Path f : paths.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(f);
          }
        }
      }
    }
  }

  @Test
  void aNewModelIsEmbeddedWhileTheActiveOneServesThenSwitchedToAndBack() throws Exception {
    execute("SELECT drop_model(id) FROM model");
    execute("DELETE FROM image");
    String name = "flow-" + UUID.randomUUID().toString().substring(0, 8);
    folder = Path.of(imagesRoot).resolve(name);
    List<String> captions = writeFolder(folder);
    bundles = Path.of(testRoot).resolve(name + "-bundles");
    StandInBundle.write(bundles.resolve("a"), "flow-clip", "1", captions, 11, DIM_A);
    StandInBundle.write(bundles.resolve("b"), "flow-clip", "2", captions, 12, DIM_B);

    // Model A serves a corpus ingested under it.
    long a = register("flow-clip@1", DIM_A, bundles.resolve("a"));
    given().post("/api/models/" + a + "/activate").then().statusCode(200);
    Response first = startIngest("{\"source\": \"" + name + "\"}");
    assertEquals(a, first.<Number>path("modelId").longValue());
    assertEquals("succeeded", awaitEnd(first.path("id")).path("state"));
    assertEquals(TOTAL, count("SELECT count(*) FROM image_embedding WHERE model_id = " + a));

    Response baseline = vectorSearch();
    assertEquals(a, baseline.<Number>path("modelId").longValue());
    assertServedBy(baseline, bundles.resolve("a"), a);
    String baselineItems = items(baseline);
    Response baselineUpload = uploadSearch();
    assertEquals(a, baselineUpload.<Number>path("modelId").longValue());
    assertEquals("flow-00", baselineUpload.path("items[0].id"));

    // Model B: registered (its HNSW index is created with it), not active, no vectors yet.
    long b = register("flow-clip@2", DIM_B, bundles.resolve("b"));
    Response models = given().get("/api/models");
    assertEquals("indexing", models.path("find { it.id == " + b + " }.state"));
    assertEquals(0, models.<Integer>path("find { it.id == " + b + " }.embeddedImages"));
    assertEquals("active", models.path("find { it.id == " + a + " }.state"));

    // The ingest job for B runs; between its batches, and all along from another thread,
    // searches are answered by A exactly as before.
    List<Integer> pauses = new CopyOnWriteArrayList<>();
    ingest.afterBatch(pauseAfterEachBatch(pauses));
    Searcher searcher = new Searcher(Map.of(a, baselineItems));
    searcher.start();
    Response started = startIngest("{\"source\": \"" + name + "\", \"modelId\": " + b + "}");
    jobId = started.path("id");
    assertEquals(b, started.<Number>path("modelId").longValue());
    List<Integer> seen = new ArrayList<>();
    for (int batch = 1; batch <= (TOTAL + BATCH - 1) / BATCH; batch++) {
      int written = Math.min(batch * BATCH, TOTAL);
      awaitPause(pauses, batch);
      Response job = given().get("/api/ingest-jobs/" + jobId);
      assertEquals("running", job.path("state"), job.asString());
      assertEquals(written, job.<Integer>path("processed"), job.asString());
      assertEquals(written, job.<Integer>path("embedded"), job.asString());
      assertEquals(written, count("SELECT count(*) FROM image_embedding WHERE model_id = " + b));
      models = given().get("/api/models");
      assertEquals("active", models.path("find { it.id == " + a + " }.state"));
      assertEquals("indexing", models.path("find { it.id == " + b + " }.state"));
      assertEquals(written, models.<Integer>path("find { it.id == " + b + " }.embeddedImages"));
      Response during = vectorSearch();
      assertEquals(a, during.<Number>path("modelId").longValue());
      assertEquals(baselineItems, items(during));
      assertEquals(a, uploadSearch().<Number>path("modelId").longValue());
      seen.add(written);
      proceed.release();
    }
    Response done = awaitEnd(jobId);
    searcher.stop();
    assertEquals("succeeded", done.path("state"), done.asString());
    assertEquals(TOTAL, done.<Integer>path("embedded"));
    assertEquals(List.of(32, 64, 70), seen);
    searcher.assertAllServedBy(a);

    // B: one vector per image, of its dimension; A's vectors untouched; B's own HNSW index.
    assertEquals(TOTAL, count("SELECT count(*) FROM image"));
    assertEquals(TOTAL, count("SELECT count(*) FROM image_embedding WHERE model_id = " + b));
    assertEquals(
        0,
        count(
            "SELECT count(*) FROM image i WHERE NOT EXISTS (SELECT 1 FROM image_embedding e"
                + " WHERE e.image_id = i.id AND e.model_id = "
                + b
                + ")"));
    assertEquals(
        0,
        count(
            "SELECT count(*) FROM image_embedding WHERE model_id = "
                + b
                + " AND vector_dims(embedding) <> "
                + DIM_B));
    assertEquals(TOTAL, count("SELECT count(*) FROM image_embedding WHERE model_id = " + a));
    assertHnswIndex(b, DIM_B);

    // Activation: one transaction, exactly one active model at every moment, and every search
    // answered consistently by one model or the other.
    Map<Long, String> expected = new HashMap<>(Map.of(a, baselineItems));
    ActivePoller poller = new ActivePoller();
    Searcher switching = new Searcher(expected);
    poller.start();
    switching.start();
    Thread.sleep(300);
    given()
        .post("/api/models/" + b + "/activate")
        .then()
        .statusCode(200)
        .body("state", org.hamcrest.Matchers.equalTo("active"))
        .body("dimension", org.hamcrest.Matchers.equalTo(DIM_B))
        .body("embeddedImages", org.hamcrest.Matchers.equalTo(TOTAL));
    Thread.sleep(300);
    switching.stop();
    poller.stop();
    poller.assertExactlyOneActiveThroughout(a, b);

    // B serves at once: its encoder embeds the queries (scores are B's cosines), over its vectors.
    models = given().get("/api/models");
    assertEquals("active", models.path("find { it.id == " + b + " }.state"));
    assertEquals("retired", models.path("find { it.id == " + a + " }.state"));
    assertEquals(b, given().get("/api/status").<Number>path("model.id").longValue());
    Response afterSwitch = vectorSearch();
    assertEquals(b, afterSwitch.<Number>path("modelId").longValue());
    assertServedBy(afterSwitch, bundles.resolve("b"), b);
    assertNotEquals(baselineItems, items(afterSwitch));
    expected.put(b, items(afterSwitch));
    switching.assertAllServedBy(a, b);
    Response upload = uploadSearch();
    assertEquals(b, upload.<Number>path("modelId").longValue());
    assertEquals("flow-00", upload.path("items[0].id"));
    assertTrue(upload.<Float>path("items[0].scores.vector") > 0.9999f, upload.asString());

    // A again: the same answers as before the switch.
    given().post("/api/models/" + a + "/activate").then().statusCode(200);
    models = given().get("/api/models");
    assertEquals("active", models.path("find { it.id == " + a + " }.state"));
    assertEquals("retired", models.path("find { it.id == " + b + " }.state"));
    assertEquals(baseline.asString(), vectorSearch().asString());
    assertEquals(baselineUpload.asString(), uploadSearch().asString());
    System.out.printf(
        "ModelVersionFlowTest: %d searches while B was ingested, all answered by A; %d searches"
            + " and %d reads of the active model while B was activated%n",
        searcher.answers(), switching.answers(), poller.samples());
  }

  @Test
  void theOpenApiDocumentSaysAJobMayUseAModelThatIsNotActive() {
    String tag =
        given()
            .accept("application/json")
            .get("/q/openapi")
            .then()
            .statusCode(200)
            .extract()
            .path("tags.find { it.name == 'ingest' }.description");
    assertTrue(tag.contains("modelId may name any registered model"), tag);
    assertTrue(tag.contains("not active"), tag);
    assertTrue(tag.contains("POST /api/models/{id}/activate"), tag);
  }

  // --- the ingest job's pauses

  private Consumer<IngestJob> pauseAfterEachBatch(List<Integer> pauses) {
    return job -> {
      pauses.add(job.snapshot().processed());
      if (!released.get()) {
        try {
          proceed.tryAcquire(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
  }

  private static void awaitPause(List<Integer> pauses, int batch) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (pauses.size() < batch) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the ingest job did not finish batch " + batch + " in 60 s");
      }
      Thread.sleep(10);
    }
  }

  // --- requests

  private static Response startIngest(String body) {
    Response r = given().contentType(ContentType.JSON).body(body).post("/api/ingest-jobs");
    assertEquals(202, r.statusCode(), r.asString());
    return r;
  }

  private static Response awaitEnd(String id) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      Response r = given().get("/api/ingest-jobs/" + id);
      if (r.statusCode() != 200 || !"running".equals(r.path("state"))) {
        return r;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("ingest job " + id + " did not end within 120 s");
  }

  private static Response vectorSearch() {
    Response r =
        given()
            .queryParam("q", QUERY)
            .queryParam("mode", "vector")
            .queryParam("limit", 20)
            .get("/api/search");
    assertEquals(200, r.statusCode(), r.asString());
    return r;
  }

  private Response uploadSearch() throws IOException {
    Response r =
        given()
            .multiPart("file", "flow-00.png", png(0), "image/png")
            .multiPart("limit", "10")
            .post("/api/search/image");
    assertEquals(200, r.statusCode(), r.asString());
    return r;
  }

  /** The hits of a search response as JSON text (ids, ranks, every score). */
  private static String items(Response r) {
    return r.jsonPath().getList("items").toString();
  }

  /**
   * Every hit's vector score is the cosine of the query text's vector under {@code bundle} (the
   * test embeds it itself) with the image's stored vector under {@code model}; the first hit is the
   * nearest image.
   */
  private void assertServedBy(Response r, Path bundle, long model) throws Exception {
    float[] q;
    try (ClipEncoder encoder = ClipEncoder.open(bundle)) {
      q = encoder.embedText(QUERY);
    }
    Map<String, Double> cosine = new HashMap<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT image_id, embedding::text FROM image_embedding WHERE model_id = ?")) {
      ps.setLong(1, model);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String[] parts = rs.getString(2).replaceAll("[\\[\\]]", "").split(",");
          assertEquals(q.length, parts.length);
          double dot = 0;
          for (int i = 0; i < parts.length; i++) {
            dot += q[i] * Double.parseDouble(parts[i]);
          }
          cosine.put(rs.getString(1), dot);
        }
      }
    }
    List<Map<String, Object>> items = r.jsonPath().getList("items");
    assertEquals(20, items.size(), r.asString());
    for (Map<String, Object> item : items) {
      double score = ((Number) ((Map<?, ?>) item.get("scores")).get("vector")).doubleValue();
      double expected = cosine.get((String) item.get("id"));
      assertEquals(expected, score, 1e-4, item.toString());
    }
    String nearest =
        cosine.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    assertEquals(nearest, items.get(0).get("id"), r.asString());
  }

  // --- concurrent observers

  /** A daemon thread running {@link #body} until {@link #stop}; {@code stop} ends its loop. */
  private abstract static class Background {
    private final String name;
    protected volatile boolean stop;
    private Thread thread;

    Background(String name) {
      this.name = name;
    }

    /** The thread's work: loops until {@code stop}. */
    protected abstract void body();

    void start() {
      thread = new Thread(this::body, name);
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      stop = true;
      thread.join(30_000);
    }
  }

  /** Searches in a loop until stopped, checking each answer against its model's expected hits. */
  private static final class Searcher extends Background {
    private final Map<Long, String> expected;
    private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> models = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String[]> unchecked = new ConcurrentLinkedQueue<>();

    Searcher(Map<Long, String> expected) {
      super("flow-searcher");
      this.expected = expected;
    }

    @Override
    protected void body() {
      while (!stop) {
        try {
          Response r =
              given()
                  .queryParam("q", QUERY)
                  .queryParam("mode", "vector")
                  .queryParam("limit", 20)
                  .get("/api/search");
          if (r.statusCode() != 200) {
            problems.add(r.statusCode() + " " + r.asString());
            continue;
          }
          long model = r.<Number>path("modelId").longValue();
          models.add(model);
          unchecked.add(new String[] {String.valueOf(model), items(r)});
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          problems.add(e.toString());
        }
      }
    }

    int answers() {
      return models.size();
    }

    /** Every answer was 200, from one of {@code allowed}, with that model's expected hits. */
    void assertAllServedBy(long... allowed) {
      assertTrue(problems.isEmpty(), problems.toString());
      assertTrue(models.size() > 0, "the searcher ran no search");
      List<Long> ok = new ArrayList<>();
      for (long m : allowed) {
        ok.add(m);
      }
      for (String[] answer : unchecked) {
        long model = Long.parseLong(answer[0]);
        assertTrue(ok.contains(model), "answered by model " + model);
        assertEquals(expected.get(model), answer[1], "answer of model " + model);
      }
    }
  }

  /** Reads the active models in a loop on its own connection until stopped. */
  private final class ActivePoller extends Background {
    private final List<long[]> samples = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();

    ActivePoller() {
      super("flow-active-poller");
    }

    @Override
    protected void body() {
      try (Connection c = DriverManager.getConnection(jdbcUrl, jdbcUser, jdbcPassword);
          Statement st = c.createStatement()) {
        while (!stop) {
          try (ResultSet rs =
              st.executeQuery(
                  "SELECT count(*), coalesce(min(id), -1) FROM model"
                      + " WHERE state = 'active'")) {
            rs.next();
            samples.add(new long[] {rs.getLong(1), rs.getLong(2)});
          }
        }
      } catch (SQLException e) {
        problems.add(e.toString());
      }
    }

    int samples() {
      return samples.size();
    }

    void assertExactlyOneActiveThroughout(long before, long after) {
      assertTrue(problems.isEmpty(), problems.toString());
      assertTrue(samples.size() > 10, "only " + samples.size() + " samples");
      for (long[] s : samples) {
        assertEquals(1, s[0], "active models in one sample");
      }
      assertEquals(before, samples.get(0)[1]);
      assertEquals(after, samples.get(samples.size() - 1)[1]);
      int switches = 0;
      for (int i = 1; i < samples.size(); i++) {
        if (samples.get(i)[1] != samples.get(i - 1)[1]) {
          switches++;
        }
      }
      assertEquals(1, switches, "the active model changed once");
    }
  }

  // --- database

  private long register(String model, int dimension, Path bundle) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT register_model(?, ?, ?)")) {
      ps.setString(1, model);
      ps.setInt(2, dimension);
      ps.setString(3, bundle.toString());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private void assertHnswIndex(long model, int dimension) throws SQLException {
    String index = "image_embedding_hnsw_m" + model;
    try (Connection c = dataSource.getConnection();
        Statement st = c.createStatement()) {
      try (ResultSet rs =
          st.executeQuery(
              "SELECT p.indexdef, x.indisvalid FROM pg_indexes p"
                  + " JOIN pg_class i ON i.relname = p.indexname"
                  + " JOIN pg_index x ON x.indexrelid = i.oid"
                  + " WHERE p.tablename = 'image_embedding' AND p.indexname = '"
                  + index
                  + "'")) {
        assertTrue(rs.next(), "no index " + index);
        String def = rs.getString(1);
        assertTrue(def.contains("USING hnsw"), def);
        assertTrue(def.contains("halfvec(" + dimension + ")"), def);
        assertTrue(def.contains("halfvec_cosine_ops"), def);
        assertTrue(def.contains("m='16', ef_construction='256'"), def);
        assertTrue(def.contains("WHERE (model_id = " + model + ")"), def);
        assertTrue(rs.getBoolean(2), index + " is not valid");
      }
      // The search's own statement for the model can use it, and finds B's vectors through it
      // (the corpus is too small for the planner to prefer the index by itself: sorting is
      // disabled, so only an index that orders by cosine distance can answer).
      String sql;
      try (ResultSet rs =
          st.executeQuery("SELECT search_nearest_sql(" + dimension + ", " + model + ")")) {
        rs.next();
        sql = rs.getString(1);
      }
      c.setAutoCommit(false);
      try {
        st.execute("SET LOCAL enable_seqscan = off");
        st.execute("SET LOCAL enable_sort = off");
        st.execute(
            "PREPARE flow_nearest (vector, text, boolean, integer, integer, text, integer) AS "
                + sql);
        String zero = "[" + "0,".repeat(dimension - 1) + "1]";
        StringBuilder plan = new StringBuilder();
        try (ResultSet rs =
            st.executeQuery(
                "EXPLAIN EXECUTE flow_nearest('" + zero + "', NULL, NULL, NULL, NULL, NULL, 10)")) {
          while (rs.next()) {
            plan.append(rs.getString(1)).append('\n');
          }
        }
        assertTrue(plan.toString().contains("Index Scan using " + index), plan.toString());
        int rows = 0;
        try (ResultSet rs =
            st.executeQuery(
                "EXECUTE flow_nearest('" + zero + "', NULL, NULL, NULL, NULL, NULL, 10)")) {
          while (rs.next()) {
            rows++;
          }
        }
        assertEquals(10, rows);
        st.execute("DEALLOCATE flow_nearest");
      } finally {
        c.rollback();
        c.setAutoCommit(true);
      }
    }
  }

  private long count(String sql) throws SQLException {
    return Sql.count(dataSource, sql);
  }

  private void execute(String sql) throws SQLException {
    Sql.execute(dataSource, sql);
  }

  // --- the corpus folder

  /** Writes the ImageCLEF-layout folder; returns its captions. */
  private static List<String> writeFolder(Path root) throws IOException {
    Files.createDirectories(root.resolve(ImageClefLayout.TRAINING_IMAGES));
    Files.createDirectories(root.resolve(ImageClefLayout.VALIDATION_IMAGES));
    Files.createDirectories(root.resolve(ImageClefLayout.TEST_IMAGES));
    List<String> training = new ArrayList<>();
    List<String> validation = new ArrayList<>();
    List<String> test = new ArrayList<>();
    List<String> captions = new ArrayList<>();
    for (int i = 0; i < TOTAL; i++) {
      String id = String.format("flow-%02d", i);
      String dir;
      if (i < TRAINING) {
        String caption =
            i % 2 == 0
                ? "Chest radiograph number " + i + " with a small nodule."
                : "CT of the abdomen number " + i + ", normal study.";
        training.add(id + "\t" + caption);
        captions.add(caption);
        dir = ImageClefLayout.TRAINING_IMAGES;
      } else if (i < TRAINING + VALIDATION) {
        String caption = "Brain MRI number " + i + " with a nodule.";
        validation.add(id + "\t" + caption);
        captions.add(caption);
        dir = ImageClefLayout.VALIDATION_IMAGES;
      } else {
        test.add(id);
        dir = ImageClefLayout.TEST_IMAGES;
      }
      Files.write(root.resolve(dir).resolve(id + ".png"), png(i));
    }
    Files.writeString(
        root.resolve(ImageClefLayout.TRAINING_CAPTIONS),
        String.join("\n", training) + "\n",
        StandardCharsets.UTF_8);
    Files.writeString(
        root.resolve(ImageClefLayout.VALIDATION_CAPTIONS),
        String.join("\n", validation) + "\n",
        StandardCharsets.UTF_8);
    Files.writeString(
        root.resolve(ImageClefLayout.TEST_LIST),
        String.join("\n", test) + "\n",
        StandardCharsets.UTF_8);
    return captions;
  }

  /** Random pixels seeded by the image's index. */
  private static byte[] png(int i) throws IOException {
    return IngestFolder.randomPng(24 + (i % 7) * 4, 20 + (i % 5) * 4, 7_000L + i);
  }
}
