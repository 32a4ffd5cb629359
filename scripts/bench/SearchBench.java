// Search benchmark at ImageCLEF size (185,000 images), run by scripts/bench-search (make
// bench-search) as a single-file program on the backend's runtime classpath:
//   java -cp <backend/target/quarkus-app/lib/main jars> scripts/bench/SearchBench.java CMD k=v...
// data:  fills an empty, migrated database with synthetic images, captions and clustered 512-d
//        vectors, registers the bench model, times the HNSW build and live inserts, activates it
//        through the API.
// bench: query encoding alone, REST latency/throughput at 1 and 8 clients, the SQL functions
//        alone, recall@10 against exact search and an ef_search sweep; writes a Markdown report.
// Everything is seeded: two runs build the same database and send the same requests.

import com.pgvector.PGvector;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.medclip.clip.ClipEncoder;
import org.medclip.clip.EncoderOptions;
import org.medclip.clip.bundle.ModelBundle;
import org.medclip.clip.bundle.ModelSpec;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

public final class SearchBench {
  // --- corpus shape: ImageCLEF 2017 caption prediction (164,614 + 10,000 + 10,000 images)
  static final int IMAGES = 185_000;
  static final int TRAIN = 165_000;
  static final int VALIDATION = 10_000; // the last 10,000 are 'test', uncaptioned as in ImageCLEF
  static final int DIM = 512;
  static final int CLUSTERS = 300;
  static final int SUBCLUSTERS = 8;
  static final int SUBSPACE = 32;

  /** The last rows go in through the live index, as the ingest job writes them. */
  static final int LIVE_ROWS = 2_000;

  static final int INGEST_BATCH = 32; // medclip.ingest.batch-size
  static final int SERVICE_EF_SEARCH = 150; // search_vector's default (V5); the backend passes none
  static final int[] EF_SWEEP = {40, 64, 100, 150, 200, 400, 1000}; // 1000: search_nearest's cap

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: SearchBench data|bench jdbc=URL api=URL bundle=DIR out=DIR ...");
      System.exit(2);
    }
    Map<String, String> a = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      a.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    Config cfg = new Config(a);
    switch (args[0]) {
      case "data" -> new Data(cfg).run();
      case "bench" -> new Bench(cfg).run();
      default -> throw new IllegalArgumentException("unknown command " + args[0]);
    }
  }

  record Config(
      String jdbc,
      String api,
      Path bundle,
      Path out,
      int requests1,
      int requests8,
      int queries,
      int recallQueries,
      int warmupRequests,
      Set<String> phases) {
    Config(Map<String, String> a) {
      this(
          a.getOrDefault("jdbc", "jdbc:postgresql://127.0.0.1:55432/medclip_bench"),
          a.getOrDefault("api", "http://127.0.0.1:18090"),
          Path.of(a.getOrDefault("bundle", "target/bench-search/model/bundle")).toAbsolutePath(),
          Path.of(a.getOrDefault("out", "target/bench-search")),
          Integer.parseInt(a.getOrDefault("requests1", "300")),
          Integer.parseInt(a.getOrDefault("requests8", "600")),
          Integer.parseInt(a.getOrDefault("queries", "200")),
          Integer.parseInt(a.getOrDefault("recall_queries", "200")),
          Integer.parseInt(a.getOrDefault("warmup_requests", "1000")),
          Set.of(a.getOrDefault("phases", "rest,sql,recall").split(",")));
    }

    Connection connect() throws SQLException {
      return DriverManager.getConnection(jdbc, "medclip", "medclip");
    }

    String modelName() throws IOException {
      ModelSpec spec = ModelBundle.load(bundle).spec();
      if (spec.embeddingDim() != DIM) {
        throw new IllegalStateException(
            "the bench bundle has dimension " + spec.embeddingDim() + ", not " + DIM);
      }
      return spec.name() + "@" + spec.version();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Synthetic corpus: vocabulary, captions, queries, vectors

  static final String[] MODALITIES =
      ("X-ray|radiograph|CT|CT scan|contrast-enhanced CT|MRI|T1-weighted MRI|"
              + "T2-weighted MRI|FLAIR MRI|diffusion-weighted MRI|ultrasound|"
              + "Doppler ultrasound|PET-CT|angiography|CT angiography|scintigraphy|"
              + "mammogram|echocardiography|fundus photograph|"
              + "optical coherence tomography|endoscopy|micrograph|"
              + "H&E stained micrograph|immunohistochemistry|fluoroscopy|SPECT")
          .split("\\|");
  static final String[] VIEWS =
      ("axial|coronal|sagittal|frontal|lateral|oblique|anteroposterior|"
              + "posteroanterior|transverse|longitudinal|"
              + "three-dimensional reconstructed|portable")
          .split("\\|");
  static final String[] ANATOMY =
      ("chest|left lung|right lung|lower lobe|upper lobe|mediastinum|heart|"
              + "aorta|pulmonary artery|liver|gallbladder|pancreas|spleen|kidney|"
              + "adrenal gland|bladder|prostate|uterus|ovary|bowel|colon|stomach|brain|"
              + "cerebellum|frontal lobe|temporal lobe|pituitary gland|orbit|"
              + "paranasal sinuses|neck|thyroid|cervical spine|thoracic spine|"
              + "lumbar spine|pelvis|hip|femur|knee|tibia|ankle|foot|shoulder|humerus|"
              + "elbow|wrist|hand|skull|mandible|retina|breast|abdomen|skin|lymph node")
          .split("\\|");
  static final String[] FINDINGS =
      ("consolidation|pleural effusion|pneumothorax|nodule|mass|cavitation|"
              + "ground-glass opacity|atelectasis|bronchiectasis|emphysema|fibrosis|"
              + "pulmonary embolism|cardiomegaly|pericardial effusion|"
              + "aortic dissection|aneurysm|stenosis|occlusion|thrombus|hematoma|"
              + "hemorrhage|infarction|ischemia|edema|abscess|cyst|calcification|"
              + "fracture|dislocation|osteolytic lesion|sclerotic lesion|metastasis|"
              + "lymphadenopathy|tumor|carcinoma|adenoma|lipoma|hemangioma|meningioma|"
              + "glioma|schwannoma|lymphoma|sarcoma|polyp|diverticulitis|appendicitis|"
              + "bowel obstruction|free air|ascites|cirrhosis|steatosis|splenomegaly|"
              + "hydronephrosis|renal calculus|gallstones|cholecystitis|pancreatitis|"
              + "stricture|fistula|foreign body|herniation|disc protrusion|"
              + "spondylolisthesis|scoliosis|osteomyelitis|arthritis|effusion|"
              + "ligament tear|tendon rupture|synovitis|necrosis|granuloma|"
              + "inflammation|infiltrate|enhancement|mass effect|midline shift|"
              + "hydrocephalus|white matter lesions|aneurysmal dilatation|"
              + "vascular malformation|retinal detachment|macular edema|"
              + "neovascularization|papilledema|microcalcifications|"
              + "architectural distortion|ulcer|perforation|wall thickening|"
              + "lymphocytic infiltration|mitotic figures|giant cells|keratin pearls|"
              + "septal thickening|air-fluid level|periosteal reaction|"
              + "soft tissue swelling")
          .split("\\|");
  static final String[] DESCRIPTORS =
      ("small|large|well-defined|ill-defined|heterogeneous|homogeneous|"
              + "enhancing|non-enhancing|calcified|cystic|solid|multilobulated|"
              + "irregular|diffuse|focal|multiple|bilateral|hypodense|hyperdense|"
              + "hypoechoic|hyperechoic|hyperintense|hypointense|spiculated|"
              + "circumscribed|subtle|extensive|residual|recurrent|new")
          .split("\\|");
  static final String[] DISEASES =
      ("tuberculosis|sarcoidosis|lung cancer|breast cancer|COVID-19 pneumonia|"
              + "pneumonia|Crohn disease|ulcerative colitis|hepatocellular carcinoma|"
              + "renal cell carcinoma|multiple sclerosis|Alzheimer disease|stroke|"
              + "trauma|rheumatoid arthritis|osteoporosis|diabetes|hypertension|"
              + "endocarditis|Marfan syndrome|neurofibromatosis|tuberous sclerosis|"
              + "lupus|HIV infection|sickle cell disease|Paget disease|melanoma|"
              + "leukemia|myeloma|glaucoma|diabetic retinopathy|cystic fibrosis|"
              + "endometriosis|cholangiocarcinoma|pheochromocytoma|thymoma|"
              + "mesothelioma|histiocytosis|amyloidosis|vasculitis")
          .split("\\|");
  static final String[] SIDES =
      ("left|right|bilateral|anterior|posterior|medial|lateral|proximal|distal|upper|lower")
          .split("\\|");
  static final String[] SEX = {"man", "woman", "boy", "girl", "male patient", "female patient"};
  static final String[] MARKERS =
      ("arrow|arrows|arrowhead|asterisk|circle|white arrow|black arrow|dashed line").split("\\|");
  static final int[][] SIZES = {
    {512, 512},
    {1024, 768},
    {768, 1024},
    {640, 480},
    {2000, 1500},
    {800, 600},
    {1200, 900},
    {256, 256},
    {1024, 1024},
    {720, 540}
  };

  /** Zipf-like pick: low indices are common, the tail is rare (as words in real captions). */
  static int zipf(Random r, int n, double s) {
    double u = r.nextDouble();
    // inverse CDF of a continuous power law on [1, n+1), then floor
    double x = Math.pow(1 + u * (Math.pow(n + 1, 1 - s) - 1), 1 / (1 - s));
    return Math.min(n - 1, (int) x - 1);
  }

  static String pick(Random r, String[] words) {
    return words[r.nextInt(words.length)];
  }

  static String cap(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  static String article(String word) {
    return "aeiou".indexOf(Character.toLowerCase(word.charAt(0))) >= 0 ? "an" : "a";
  }

  /** What a cluster of images is about: mostly one modality, view and anatomy. */
  record Theme(int modality, int view, int anatomy, int[] findings, int disease) {}

  /** The corpus: cluster assignment, themes, vector geometry. Deterministic from its seed. */
  static final class Corpus {
    final Theme[] themes = new Theme[CLUSTERS];
    final double[] clusterCdf = new double[CLUSTERS];
    final float[][] centroids = new float[CLUSTERS * SUBCLUSTERS][];
    final float[][][] bases = new float[CLUSTERS][][];
    final int[] cluster = new int[IMAGES];
    final int[] sub = new int[IMAGES];
    final float[] textDirection = unit(gaussian(new Random(20181), DIM));

    Corpus() {
      Random r = new Random(20171);
      double total = 0;
      for (int c = 0; c < CLUSTERS; c++) {
        int[] f = new int[SUBCLUSTERS];
        for (int s = 0; s < SUBCLUSTERS; s++) {
          f[s] = zipf(r, FINDINGS.length, 1.1);
        }
        themes[c] =
            new Theme(
                zipf(r, MODALITIES.length, 1.05),
                r.nextInt(VIEWS.length),
                zipf(r, ANATOMY.length, 1.05),
                f,
                zipf(r, DISEASES.length, 1.1));
        total += 1 / Math.pow(c + 10, 0.8); // uneven cluster sizes
        clusterCdf[c] = total;
      }
      for (int c = 0; c < CLUSTERS; c++) {
        clusterCdf[c] /= total;
      }
      // Geometry: one shared direction (embeddings of one domain are not isotropic), a centroid
      // per cluster, sub-centroids, and per-cluster low-rank noise plus a little isotropic noise.
      float[] global = unit(gaussian(r, DIM));
      for (int c = 0; c < CLUSTERS; c++) {
        float[] centroid = unit(add(scale(global, 0.7f), scale(unit(gaussian(r, DIM)), 0.71f)));
        for (int s = 0; s < SUBCLUSTERS; s++) {
          centroids[c * SUBCLUSTERS + s] = unit(add(centroid, scale(unit(gaussian(r, DIM)), 0.5f)));
        }
        float[][] basis = new float[SUBSPACE][];
        for (int k = 0; k < SUBSPACE; k++) {
          basis[k] = unit(gaussian(r, DIM));
        }
        bases[c] = basis;
      }
      Random assign = new Random(20172);
      for (int i = 0; i < IMAGES; i++) {
        cluster[i] = pickCluster(assign);
        sub[i] = assign.nextInt(SUBCLUSTERS);
      }
    }

    /**
     * A text-like query for cluster c, sub-cluster s: CLIP's text and image vectors sit in
     * different cones (the modality gap), so a caption's vector has a cosine of only about 0.3 to
     * its images and about 0.1 to unrelated ones. Modelled as a shared text direction plus a weaker
     * pull towards the sub-cluster, plus noise.
     */
    float[] textLike(int c, int s, Random r) {
      float[] low = lowRank(c, r);
      float[] x = add(scale(centroids[c * SUBCLUSTERS + s], 0.35f), scale(textDirection, 0.5f));
      x = add(x, scale(unit(low), 0.35f));
      return unit(add(x, scale(unit(gaussian(r, DIM)), 0.5f)));
    }

    /** A random vector of cluster c's 32-d noise subspace (not normalised). */
    float[] lowRank(int c, Random r) {
      float[] low = new float[DIM];
      for (float[] b : bases[c]) {
        float z = (float) r.nextGaussian();
        for (int d = 0; d < DIM; d++) {
          low[d] += z * b[d];
        }
      }
      return low;
    }

    int pickCluster(Random r) {
      int c = Arrays.binarySearch(clusterCdf, r.nextDouble());
      return Math.min(CLUSTERS - 1, c < 0 ? -c - 1 : c);
    }

    /** A vector of cluster c, sub-cluster s: sub-centroid + low-rank + isotropic noise. */
    float[] sample(int c, int s, Random r) {
      float[] low = lowRank(c, r);
      float[] x = add(centroids[c * SUBCLUSTERS + s], scale(unit(low), 0.45f));
      return unit(add(x, scale(unit(gaussian(r, DIM)), 0.25f)));
    }

    String split(int i) {
      return i < TRAIN ? "train" : i < TRAIN + VALIDATION ? "validation" : "test";
    }

    /** A radiology-style caption (null for the test split, which ImageCLEF ships uncaptioned). */
    String caption(int i, Random r) {
      if (i >= TRAIN + VALIDATION) {
        return null;
      }
      Theme t = themes[cluster[i]];
      String modality = r.nextDouble() < 0.8 ? MODALITIES[t.modality()] : pick(r, MODALITIES);
      String view = r.nextDouble() < 0.7 ? VIEWS[t.view()] : pick(r, VIEWS);
      String anatomy = r.nextDouble() < 0.8 ? ANATOMY[t.anatomy()] : pick(r, ANATOMY);
      String finding =
          r.nextDouble() < 0.75
              ? FINDINGS[t.findings()[sub[i]]]
              : FINDINGS[zipf(r, FINDINGS.length, 1.1)];
      String desc = pick(r, DESCRIPTORS);
      String disease = r.nextDouble() < 0.7 ? DISEASES[t.disease()] : pick(r, DISEASES);
      StringBuilder b = new StringBuilder();
      double p = r.nextDouble();
      if (p < 0.2) {
        b.append("Figure ").append(1 + r.nextInt(8)).append(". ");
      } else if (p < 0.3) {
        b.append("(").append((char) ('a' + r.nextInt(6))).append(") ");
      }
      switch (r.nextInt(5)) {
        case 0 ->
            b.append(cap(view) + " " + modality + " of the " + anatomy + " shows ")
                .append(
                    article(desc) + " " + desc + " " + finding + " (" + pick(r, MARKERS) + ").");
        case 1 ->
            b.append(cap(desc) + " " + finding + " in the " + pick(r, SIDES) + " " + anatomy)
                .append(". " + cap(view) + " " + modality + ".");
        case 2 ->
            b.append(cap(modality) + " image of a " + (18 + r.nextInt(70)) + "-year-old ")
                .append(pick(r, SEX) + " with " + disease + " demonstrating " + desc + " ")
                .append(finding + " of the " + anatomy + ".");
        case 3 ->
            b.append("There is " + article(desc) + " " + desc + " " + finding + " in the ")
                .append(anatomy + ". " + cap(view) + " " + modality + " image.");
        default ->
            b.append(cap(anatomy) + " " + modality + ": " + finding + " consistent with ")
                .append(disease + ".");
      }
      double q = r.nextDouble();
      if (q < 0.15) {
        String extra = pick(r, DESCRIPTORS) + " " + FINDINGS[zipf(r, FINDINGS.length, 1.1)];
        b.append(" Note the " + extra + " (" + pick(r, MARKERS) + ").");
      } else if (q < 0.25) {
        int n = 2 + r.nextInt(20);
        b.append(" Follow-up after " + n + " " + pick(r, new String[] {"days", "weeks", "months"}));
        b.append('.');
      } else if (q < 0.3) {
        b.append(" Compare with Figure ").append(1 + r.nextInt(8)).append('.');
      }
      return b.toString();
    }

    /** Search texts as people type them: a finding, anatomy + finding, modality + anatomy... */
    List<String> queries(int n) {
      Random r = new Random(20173);
      Set<String> out = new LinkedHashSet<>();
      while (out.size() < n) {
        Theme t = themes[pickCluster(r)];
        String finding = FINDINGS[t.findings()[r.nextInt(SUBCLUSTERS)]];
        String anatomy = ANATOMY[t.anatomy()];
        String modality = MODALITIES[t.modality()];
        double p = r.nextDouble();
        String q;
        if (p < 0.25) {
          q = finding;
        } else if (p < 0.5) {
          q = anatomy + " " + finding;
        } else if (p < 0.65) {
          q = modality + " " + anatomy;
        } else if (p < 0.8) {
          q = pick(r, SIDES) + " " + anatomy + " " + finding;
        } else if (p < 0.9) {
          q = pick(r, DESCRIPTORS) + " " + finding;
        } else {
          q = modality + " " + DISEASES[t.disease()];
        }
        out.add(q);
      }
      return new ArrayList<>(out);
    }
  }

  static float[] gaussian(Random r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  static float[] unit(float[] v) {
    double n = 0;
    for (float x : v) {
      n += (double) x * x;
    }
    float inv = (float) (1 / Math.sqrt(n));
    float[] o = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      o[i] = v[i] * inv;
    }
    return o;
  }

  static float[] add(float[] a, float[] b) {
    float[] o = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      o[i] = a[i] + b[i];
    }
    return o;
  }

  static float[] scale(float[] a, float f) {
    float[] o = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      o[i] = a[i] * f;
    }
    return o;
  }

  static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  static String id(int i) {
    return String.format(Locale.ROOT, "bench-%06d", i);
  }

  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  static String loadavg() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  static void log(String fmt, Object... args) {
    System.err.printf(Locale.ROOT, "[bench-search] " + fmt + "%n", args);
  }

  // ---------------------------------------------------------------------------------------------
  // data: fill the database

  static final class Data {
    final Config cfg;

    Data(Config cfg) {
      this.cfg = cfg;
    }

    void run() throws Exception {
      String name = cfg.modelName();
      Corpus corpus = new Corpus();
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      try (Connection c = cfg.connect()) {
        c.setAutoCommit(true);
        try (Statement st = c.createStatement();
            ResultSet rs =
                st.executeQuery("SELECT (SELECT count(*) FROM image), count(*) FROM model")) {
          rs.next();
          if (rs.getLong(1) != 0 || rs.getLong(2) != 0) {
            throw new IllegalStateException(
                "the bench database is not empty; scripts/bench-search recreates it");
          }
        }
        m.put("load_average_start", loadavg());
        long t0 = System.nanoTime();
        copyImages(c, corpus);
        m.put("images_copy_s", seconds(t0));
        log("%d images copied in %.1f s", IMAGES, seconds(t0));

        long modelId;
        try (PreparedStatement ps =
            c.prepareStatement("SELECT register_model(?, ?, ?, '{}'::jsonb)")) {
          ps.setString(1, name);
          ps.setInt(2, DIM);
          ps.setString(3, cfg.bundle().toString());
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            modelId = rs.getLong(1);
          }
        }
        String indexName;
        String indexDef;
        try (Statement st = c.createStatement();
            ResultSet rs =
                st.executeQuery(
                    "SELECT model_index_name("
                        + modelId
                        + "),"
                        + " pg_get_indexdef(model_index_name("
                        + modelId
                        + ")::regclass)")) {
          rs.next();
          indexName = rs.getString(1);
          indexDef = rs.getString(2);
        }
        // register_model created the index on an empty table; build it over the bulk-loaded rows
        // instead (the same definition), then add the last rows through the live index.
        try (Statement st = c.createStatement()) {
          st.execute("DROP INDEX " + indexName);
        }
        Random vr = new Random(20174);
        t0 = System.nanoTime();
        int bulk = IMAGES - LIVE_ROWS;
        copyVectors(c, corpus, modelId, bulk, vr);
        m.put("vectors_copy_s", seconds(t0));
        log("%d vectors copied in %.1f s", bulk, seconds(t0));
        try (Statement st = c.createStatement()) {
          st.execute("ANALYZE image_embedding");
          m.put("maintenance_work_mem", show(st, "maintenance_work_mem"));
          m.put("max_parallel_maintenance_workers", show(st, "max_parallel_maintenance_workers"));
          m.put("load_average_before_build", loadavg());
          t0 = System.nanoTime();
          st.execute(indexDef);
          m.put("index_build_s", seconds(t0));
          m.put("index_build_rows", bulk);
          m.put("load_average_after_build", loadavg());
          log("HNSW index over %d rows built in %.1f s", bulk, seconds(t0));
        }
        m.put("index_definition", indexDef);

        // Live inserts: the ingest job's statement, one transaction per batch of 32.
        c.setAutoCommit(false);
        t0 = System.nanoTime();
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO image_embedding (image_id, model_id, embedding) VALUES (?, ?,"
                    + " ?::vector) ON CONFLICT (image_id, model_id) DO UPDATE SET embedding ="
                    + " EXCLUDED.embedding")) {
          for (int i = bulk; i < IMAGES; i++) {
            ps.setString(1, id(i));
            ps.setLong(2, modelId);
            ps.setObject(3, new PGvector(corpus.sample(corpus.cluster[i], corpus.sub[i], vr)));
            ps.addBatch();
            if ((i - bulk + 1) % INGEST_BATCH == 0 || i == IMAGES - 1) {
              ps.executeBatch();
              c.commit();
            }
          }
        }
        double live = seconds(t0);
        c.setAutoCommit(true);
        m.put("live_insert_rows", LIVE_ROWS);
        m.put("live_insert_s", live);
        log(
            "%d vectors inserted through the live index in %.1f s (%.0f rows/s)",
            LIVE_ROWS, live, LIVE_ROWS / live);
        try (Statement st = c.createStatement()) {
          t0 = System.nanoTime();
          st.execute("VACUUM ANALYZE image");
          st.execute("VACUUM ANALYZE image_embedding");
          m.put("vacuum_analyze_s", seconds(t0));
          try (ResultSet rs =
              st.executeQuery(
                  "SELECT pg_relation_size('"
                      + indexName
                      + "'),"
                      + " pg_total_relation_size('image_embedding'),"
                      + " pg_relation_size('image_caption_tsv_idx'),"
                      + " pg_total_relation_size('image')")) {
            rs.next();
            m.put("index_bytes", rs.getLong(1));
            m.put("image_embedding_total_bytes", rs.getLong(2));
            m.put("caption_gin_bytes", rs.getLong(3));
            m.put("image_total_bytes", rs.getLong(4));
          }
        }
        m.put("created_at", ZonedDateTime.now(ZoneOffset.UTC).toString());
        m.put("load_average_end", loadavg());
        try (PreparedStatement ps =
            c.prepareStatement(
                "UPDATE model SET metrics = jsonb_build_object('bench_data', ?::jsonb) WHERE id"
                    + " = ?")) {
          ps.setString(1, json(m));
          ps.setLong(2, modelId);
          ps.executeUpdate();
        }
        // Serving: through the API, which loads the bundle and checks it matches the row.
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> resp =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(cfg.api() + "/api/models/" + modelId + "/activate"))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .timeout(Duration.ofMinutes(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != 200) {
          throw new IllegalStateException(
              "activation failed: " + resp.statusCode() + " " + resp.body());
        }
        log("model %d '%s' active", modelId, name);
      }
    }

    static String show(Statement st, String setting) throws SQLException {
      try (ResultSet rs = st.executeQuery("SHOW " + setting)) {
        rs.next();
        return rs.getString(1);
      }
    }

    void copyImages(Connection c, Corpus corpus) throws Exception {
      Random r = new Random(20175);
      Random sizes = new Random(20176);
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      CopyIn in =
          c.unwrap(PGConnection.class)
              .getCopyAPI()
              .copyIn(
                  "COPY image (id, split, caption, file_location, width, height, content_hash)"
                      + " FROM STDIN");
      StringBuilder b = new StringBuilder(1 << 20);
      for (int i = 0; i < IMAGES; i++) {
        String id = id(i);
        String caption = corpus.caption(i, r);
        int[] size = SIZES[sizes.nextInt(SIZES.length)];
        byte[] hash = sha.digest(id.getBytes(StandardCharsets.UTF_8));
        b.append(id)
            .append('\t')
            .append(corpus.split(i))
            .append('\t')
            .append(caption == null ? "\\N" : caption)
            .append('\t')
            .append("bench/")
            .append(id)
            .append(".png\t")
            .append(size[0])
            .append('\t')
            .append(size[1])
            .append("\t\\\\x");
        for (byte x : hash) {
          b.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        b.append('\n');
        if (b.length() > (1 << 20) - 4096 || i == IMAGES - 1) {
          byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
          in.writeToCopy(bytes, 0, bytes.length);
          b.setLength(0);
        }
      }
      in.endCopy();
    }

    /** COPY ... (FORMAT binary): pgvector's binary form is int16 dim, int16 0, float4[dim]. */
    void copyVectors(Connection c, Corpus corpus, long modelId, int rows, Random vr)
        throws Exception {
      CopyIn in =
          c.unwrap(PGConnection.class)
              .getCopyAPI()
              .copyIn(
                  "COPY image_embedding (image_id, model_id, embedding) FROM STDIN (FORMAT"
                      + " binary)");
      ByteArrayOutputStream buf = new ByteArrayOutputStream(1 << 22);
      DataOutputStream out = new DataOutputStream(buf);
      out.writeBytes("PGCOPY\n");
      out.write(new byte[] {(byte) 0xff, '\r', '\n', 0});
      out.writeInt(0);
      out.writeInt(0);
      for (int i = 0; i < rows; i++) {
        float[] v = corpus.sample(corpus.cluster[i], corpus.sub[i], vr);
        byte[] id = id(i).getBytes(StandardCharsets.UTF_8);
        out.writeShort(3);
        out.writeInt(id.length);
        out.write(id);
        out.writeInt(8);
        out.writeLong(modelId);
        out.writeInt(4 + 4 * DIM);
        out.writeShort(DIM);
        out.writeShort(0);
        for (float x : v) {
          out.writeFloat(x);
        }
        if (buf.size() > (1 << 22) - 8192) {
          out.flush();
          in.writeToCopy(buf.toByteArray(), 0, buf.size());
          buf.reset();
        }
      }
      out.writeShort(-1);
      out.flush();
      in.writeToCopy(buf.toByteArray(), 0, buf.size());
      in.endCopy();
    }
  }

  /** A flat JSON object of strings and numbers (enough for the metrics). */
  static String json(Map<String, Object> m) {
    StringBuilder b = new StringBuilder("{");
    for (Map.Entry<String, Object> e : m.entrySet()) {
      if (b.length() > 1) {
        b.append(',');
      }
      b.append('"').append(e.getKey()).append("\":");
      Object v = e.getValue();
      if (v instanceof Number) {
        b.append(v);
      } else {
        b.append('"').append(v.toString().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      }
    }
    return b.append('}').toString();
  }

  // ---------------------------------------------------------------------------------------------
  // bench: measure

  /** Latencies of one measured round. */
  record Round(
      String what, int clients, int requests, double wallS, double[] msSorted, int errors) {
    double p(double q) {
      if (msSorted.length == 0) {
        return Double.NaN;
      }
      int i = (int) Math.ceil(q * msSorted.length) - 1;
      return msSorted[Math.max(0, Math.min(msSorted.length - 1, i))];
    }

    double rps() {
      return requests / wallS;
    }
  }

  static double[] sorted(List<Double> ms) {
    double[] a = ms.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(a);
    return a;
  }

  static double median(double[] sortedValues) {
    int n = sortedValues.length;
    return n % 2 == 1 ? sortedValues[n / 2] : (sortedValues[n / 2 - 1] + sortedValues[n / 2]) / 2;
  }

  /**
   * The load generator's HTTP client: blocking HTTP/1.1 over one keep-alive socket per client
   * thread, nothing else (no selector thread, no executor hand-offs). The load generator shares
   * this machine's 2 cores with the backend and PostgreSQL, so its own work is kept small: with
   * java.net.http.HttpClient a 0.3 ms request (image metadata) measured about 1 ms more; the
   * report's floor row shows both clients side by side.
   */
  static final class RawHttp implements AutoCloseable {
    private final String host;
    private final int port;
    private java.net.Socket socket;
    private java.io.InputStream in;
    private java.io.OutputStream out;

    RawHttp(URI base) {
      host = base.getHost();
      port = base.getPort();
    }

    /** GET of a path and query; returns the status and the body. */
    Object[] get(String pathAndQuery) throws IOException {
      return request("GET", pathAndQuery, null);
    }

    /** POST of a JSON body; returns the status and the body. */
    Object[] post(String pathAndQuery, String json) throws IOException {
      return request("POST", pathAndQuery, json);
    }

    private Object[] request(String method, String pathAndQuery, String json) throws IOException {
      byte[] payload = json == null ? null : json.getBytes(StandardCharsets.UTF_8);
      for (int attempt = 0; ; attempt++) {
        try {
          if (socket == null) {
            socket = new java.net.Socket(host, port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(60_000);
            in = new java.io.BufferedInputStream(socket.getInputStream(), 65536);
            out = new java.io.BufferedOutputStream(socket.getOutputStream());
          }
          out.write(
              (method + " " + pathAndQuery + " HTTP/1.1\r\nHost: " + host + ":" + port
                      + "\r\nAccept: application/json\r\n"
                      + (payload == null
                          ? ""
                          : "Content-Type: application/json\r\nContent-Length: "
                              + payload.length
                              + "\r\n")
                      + "\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
          if (payload != null) {
            out.write(payload);
          }
          out.flush();
          return read();
        } catch (IOException e) {
          close();
          if (attempt > 0) {
            throw e;
          }
        }
      }
    }

    private Object[] read() throws IOException {
      String status = line();
      if (status == null || !status.startsWith("HTTP/1.1 ")) {
        throw new IOException("no HTTP response: " + status);
      }
      int code = Integer.parseInt(status.substring(9, 12));
      int length = -1;
      boolean chunked = false;
      boolean closeAfter = false;
      for (String h = line(); h != null && !h.isEmpty(); h = line()) {
        String lower = h.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          length = Integer.parseInt(lower.substring(15).trim());
        } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = true;
        } else if (lower.startsWith("connection:") && lower.contains("close")) {
          closeAfter = true;
        }
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      if (chunked) {
        for (int size = Integer.parseInt(line().split(";")[0].trim(), 16);
            size > 0;
            size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
          body.write(in.readNBytes(size));
          line();
        }
        line();
      } else if (length >= 0) {
        body.write(in.readNBytes(length));
      } else {
        body.write(in.readAllBytes());
        closeAfter = true;
      }
      if (closeAfter) {
        close();
      }
      return new Object[] {code, body.toString(StandardCharsets.UTF_8)};
    }

    private String line() throws IOException {
      StringBuilder b = new StringBuilder();
      for (int c = in.read(); c != -1; c = in.read()) {
        if (c == '\n') {
          int n = b.length();
          return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
        }
        b.append((char) c);
      }
      return b.length() == 0 ? null : b.toString();
    }

    @Override
    public void close() {
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing a socket we are done with
        }
      }
      socket = null;
    }
  }

  static final class Bench {
    final Config cfg;
    final HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    final StringBuilder report = new StringBuilder();
    final Corpus corpus = new Corpus();

    Bench(Config cfg) {
      this.cfg = cfg;
      this.raw = ThreadLocal.withInitial(() -> new RawHttp(URI.create(cfg.api())));
    }

    void line(String fmt, Object... args) {
      String s = String.format(Locale.ROOT, fmt, args);
      report.append(s).append('\n');
      System.out.println(s);
    }

    void run() throws Exception {
      String started =
          ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
      String loadStart = loadavg();
      List<String> queries = corpus.queries(cfg.queries());
      long modelId;
      Map<String, String> data = new java.util.TreeMap<>();
      try (Connection c = cfg.connect();
          Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT m.id, d.key, d.value FROM model m"
                      + " CROSS JOIN jsonb_each_text(m.metrics->'bench_data') d"
                      + " WHERE m.state = 'active'")) {
        modelId = -1;
        while (rs.next()) {
          modelId = rs.getLong(1);
          data.put(rs.getString(2), rs.getString(3));
        }
        if (modelId < 0) {
          throw new IllegalStateException("no active bench model in the database");
        }
      }
      line("## bench-search run of %s UTC", started);
      line("");
      line(
          "Load average (1/5/15 min) at start: %s; %d images, %d-d vectors, model %d.",
          loadStart, IMAGES, DIM, modelId);
      line("");
      line(
          "### Database (filled once, %s; these numbers are from that run)",
          data.get("created_at"));
      line("");
      line("| what | value |");
      line("|---|---|");
      for (Map.Entry<String, String> e : data.entrySet()) {
        String v = e.getValue();
        if (e.getKey().endsWith("_bytes")) {
          v = String.format(Locale.ROOT, "%.1f MiB", Long.parseLong(v) / 1048576.0);
        } else if (e.getKey().endsWith("_s")) {
          v = String.format(Locale.ROOT, "%.1f s", Double.parseDouble(v));
        }
        line("| %s | %s |", e.getKey(), v.replace("|", "\\|"));
      }
      double live = Double.parseDouble(data.get("live_insert_s"));
      line(
          "| live insert rate | %.0f rows/s |",
          Integer.parseInt(data.get("live_insert_rows")) / live);
      line("");

      // 1. query encoding alone, as the backend does it (ClipEncoder, 2 intra-op threads, batch 8)
      float[][] textVectors = new float[queries.size()][];
      line("### Query encoding alone (ClipEncoder.embedText, 2 ONNX Runtime threads, 1 caller)");
      line("");
      try (ClipEncoder enc =
          ClipEncoder.open(
              cfg.bundle(), EncoderOptions.defaults().withBatchSize(8).withIntraOpThreads(2))) {
        for (int i = 0; i < 20; i++) {
          enc.embedText("warm-up query " + i);
        }
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
          long t = System.nanoTime();
          textVectors[i] = enc.embedText(queries.get(i));
          ms.add((System.nanoTime() - t) / 1e6);
        }
        double[] s = sorted(ms);
        Round r = new Round("encode", 1, s.length, 0, s, 0);
        line("| queries | p50 ms | p99 ms | load average after |");
        line("|---|---|---|---|");
        line("| %d | %.2f | %.2f | %s |", s.length, r.p(0.5), r.p(0.99), loadavg());
        line("");
      }

      // 2. REST
      if (cfg.phases().contains("rest")) {
        rest(queries);
      }

      // 3. the SQL functions alone (no HTTP), and the proposed hybrid fix in a rolled-back
      // transaction
      if (cfg.phases().contains("sql")) {
        sqlLevel(modelId, queries, textVectors);
      }

      // 4. recall and the ef_search sweep (SQL, one connection)
      if (cfg.phases().contains("recall")) {
        recall(modelId, queries, textVectors);
      }

      line("Load average at end: %s", loadavg());
      Files.createDirectories(cfg.out());
      Files.writeString(cfg.out().resolve("report.md"), report.toString());
      log("report written to %s", cfg.out().resolve("report.md"));
    }

    URI uri(String mode, String q, String imageId) {
      if (mode.equals("similar")) {
        return URI.create(cfg.api() + "/api/images/" + imageId + "/similar");
      }
      return URI.create(
          cfg.api()
              + "/api/search?mode="
              + mode
              + "&q="
              + URLEncoder.encode(q, StandardCharsets.UTF_8));
    }

    /** Each load-generator thread's own connection. */
    final ThreadLocal<RawHttp> raw;

    /** One GET; returns ms, or -1 on a non-200 answer. Counts result items in hits[0]. */
    double get(URI u, int[] hits) throws Exception {
      return send(u, null, hits);
    }

    /** One GET, or a POST of {@code json} when it is not null; ms, or -1 on a non-200 answer. */
    double send(URI u, String json, int[] hits) throws Exception {
      String target = u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
      long t = System.nanoTime();
      Object[] resp = json == null ? raw.get().get(target) : raw.get().post(target, json);
      double ms = (System.nanoTime() - t) / 1e6;
      String body = (String) resp[1];
      if ((int) resp[0] != 200) {
        log("HTTP %d for %s: %s", resp[0], u, body);
        return -1;
      }
      if (hits != null) {
        int n = 0;
        for (int i = body.indexOf("\"rank\":"); i >= 0; i = body.indexOf("\"rank\":", i + 1)) {
          n++;
        }
        hits[0] += n;
      }
      return ms;
    }

    /** The same request with java.net.http.HttpClient (the floor row's comparison). */
    double getWithHttpClient(URI u) throws Exception {
      HttpRequest req = HttpRequest.newBuilder(u).timeout(Duration.ofSeconds(60)).GET().build();
      long t = System.nanoTime();
      HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
      double ms = (System.nanoTime() - t) / 1e6;
      return resp.statusCode() == 200 ? ms : -1;
    }

    Round round(String mode, int clients, int requests, List<String> queries, List<String> ids)
        throws Exception {
      return round(mode, clients, requests, queries, ids, null);
    }

    /** A round of requests; with {@code bodies}, POSTs of them to /api/search/vector. */
    Round round(
        String mode,
        int clients,
        int requests,
        List<String> queries,
        List<String> ids,
        List<String> bodies)
        throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      AtomicInteger next = new AtomicInteger();
      List<Future<List<Double>>> fs = new ArrayList<>();
      int[] errors = new int[1];
      long t0 = System.nanoTime();
      for (int k = 0; k < clients; k++) {
        fs.add(
            pool.submit(
                () -> {
                  List<Double> ms = new ArrayList<>();
                  int i;
                  while ((i = next.getAndIncrement()) < requests) {
                    double v =
                        bodies == null
                            ? get(
                                uri(mode, queries.get(i % queries.size()), ids.get(i % ids.size())),
                                null)
                            : send(
                                URI.create(cfg.api() + "/api/search/vector"),
                                bodies.get(i % bodies.size()),
                                null);
                    if (v < 0) {
                      synchronized (errors) {
                        errors[0]++;
                      }
                    } else {
                      ms.add(v);
                    }
                  }
                  raw.get().close();
                  raw.remove();
                  return ms;
                }));
      }
      List<Double> all = new ArrayList<>();
      for (Future<List<Double>> f : fs) {
        all.addAll(f.get());
      }
      double wall = seconds(t0);
      pool.shutdown();
      return new Round(mode, clients, requests, wall, sorted(all), errors[0]);
    }

    /**
     * Query sets A (n unseen vectors drawn like the stored ones) and C (n / 2 text-like vectors
     * across a CLIP-like modality gap), the same in the REST rows and the recall table.
     */
    List<List<float[]>> vectorQuerySets(int n) {
      Random hr = new Random(20178);
      List<float[]> heldOut = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        heldOut.add(corpus.sample(corpus.pickCluster(hr), hr.nextInt(SUBCLUSTERS), hr));
      }
      List<float[]> gap = new ArrayList<>();
      for (int i = 0; i < n / 2; i++) {
        gap.add(corpus.textLike(corpus.pickCluster(hr), hr.nextInt(SUBCLUSTERS), hr));
      }
      return List.of(heldOut, gap);
    }

    static String vectorBody(float[] v) {
      StringBuilder b = new StringBuilder("{\"vector\": [");
      for (int i = 0; i < v.length; i++) {
        b.append(i == 0 ? "" : ",").append(v[i]);
      }
      return b.append("]}").toString();
    }

    void rest(List<String> queries) throws Exception {
      Random r = new Random(20177);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < queries.size(); i++) {
        ids.add(id(r.nextInt(IMAGES)));
      }
      // Warm-up: every query once per mode (the first hybrid call of a query embeds it: those
      // latencies include encoding and are reported as such), every similar id once.
      List<Double> coldHybrid = new ArrayList<>();
      int[] hybridHits = new int[1];
      int[] textHits = new int[1];
      int[] vectorHits = new int[1];
      int[] similarHits = new int[1];
      int emptyText = 0;
      for (String q : queries) {
        double ms = get(uri("hybrid", q, null), hybridHits);
        if (ms < 0) {
          throw new IllegalStateException("warm-up request failed");
        }
        coldHybrid.add(ms);
      }
      for (String q : queries) {
        int before = textHits[0];
        get(uri("text", q, null), textHits);
        if (textHits[0] == before) {
          emptyText++;
        }
        get(uri("vector", q, null), vectorHits);
      }
      for (String id : ids) {
        get(uri("similar", null, id), similarHits);
      }
      double[] cold = sorted(coldHybrid);
      Round coldRound = new Round("hybrid first call", 1, cold.length, 0, cold, 0);
      line(
          "### REST API at %d images (GET, limit 20, %d distinct queries)", IMAGES, queries.size());
      line("");
      line(
          "Warm-up: hybrid first call per query (text embedding cache cold, so this includes"
              + " encoding): p50 %.1f ms, p99 %.1f ms. Results per page in warm-up: text %.1f (%d"
              + " of %d queries match no caption), vector %.1f, similar %.1f, hybrid %.1f.",
          coldRound.p(0.5),
          coldRound.p(0.99),
          textHits[0] / (double) queries.size(),
          emptyText,
          queries.size(),
          vectorHits[0] / (double) queries.size(),
          similarHits[0] / (double) ids.size(),
          hybridHits[0] / (double) queries.size());
      line("");
      // The floor: image metadata (one primary-key lookup), both clients alternating.
      List<Double> rawMs = new ArrayList<>();
      List<Double> jdkMs = new ArrayList<>();
      for (int i = 0; i < 600; i++) {
        URI u = URI.create(cfg.api() + "/api/images/" + ids.get(i % ids.size()));
        double a = get(u, null);
        double b = getWithHttpClient(u);
        if (i >= 100 && a >= 0 && b >= 0) {
          rawMs.add(a);
          jdkMs.add(b);
        }
      }
      line(
          "Floor (GET /api/images/{id}: HTTP, one primary-key lookup, JSON), 500 requests per"
              + " client, alternating: p50 %.2f ms with the bench's client (blocking HTTP/1.1 on a"
              + " keep-alive socket), %.2f ms with java.net.http.HttpClient. All rows below use the"
              + " bench's client.",
          median(sorted(rawMs)),
          median(sorted(jdkMs)));
      line("");
      line(
          "| mode | what the latency includes | clients | requests | p50 ms | p99 ms | requests/s |"
              + " errors | load avg after |");
      line("|---|---|---|---|---|---|---|---|---|");
      Map<String, String> includes =
          Map.of(
              "text", "search_text (websearch_to_tsquery, ts_rank_cd, ts_headline) + HTTP/JSON",
              "vector",
              "cached query vector + search_vector (HNSW, ef_search "
                  + SERVICE_EF_SEARCH
                  + ") + HTTP/JSON",
              "similar", "stored vector of an image + search_vector (HNSW) + HTTP/JSON",
              "hybrid", "cached query vector + search_hybrid (100 + 100 candidates) + HTTP/JSON",
              "vector A",
              "POST /api/search/vector of unseen image-like vectors (set A) + search_vector +"
                  + " HTTP/JSON",
              "vector C",
              "POST /api/search/vector of text-like vectors (set C, modality gap) +"
                  + " search_vector + HTTP/JSON");
      List<List<float[]>> sets = vectorQuerySets(cfg.recallQueries());
      Map<String, List<String>> bodies = new HashMap<>();
      bodies.put("vector A", sets.get(0).stream().map(Bench::vectorBody).toList());
      bodies.put("vector C", sets.get(1).stream().map(Bench::vectorBody).toList());
      List<String> modes = List.of("text", "vector", "vector A", "vector C", "similar", "hybrid");
      // Steady state: a fresh backend JVM is still compiling its request path for its first
      // thousands of requests (p50 falls for about 2,000 requests of a kind). Each mode runs
      // warmup_requests requests with 1 client first; their p50 is reported as the fresh server's.
      if (cfg.warmupRequests() > 0) {
        StringBuilder w = new StringBuilder();
        for (String mode : modes) {
          double p50 = round(mode, 1, cfg.warmupRequests(), queries, ids, bodies.get(mode)).p(0.5);
          w.append(w.length() == 0 ? "" : ", ").append(String.format("%s %.1f", mode, p50));
        }
        line(
            "Warm-up before the rows below: %d requests of each mode with 1 client, in this order,"
                + " on the freshly started backend; their p50 ms (a JVM still compiling its"
                + " request path): %s.",
            cfg.warmupRequests(),
            w);
        line("");
      }
      for (String mode : modes) {
        List<String> posted = bodies.get(mode);
        if (posted != null) {
          round(mode, 1, posted.size(), queries, ids, posted); // every vector once
        }
        round(mode, 2, 40, queries, ids, posted); // short re-warm of this mode's path
        for (int clients : new int[] {1, 8}) {
          Round rr =
              round(
                  mode,
                  clients,
                  clients == 1 ? cfg.requests1() : cfg.requests8(),
                  queries,
                  ids,
                  posted);
          line(
              "| %s | %s | %d | %d | %.1f | %.1f | %.1f | %d | %s |",
              mode,
              includes.get(mode),
              clients,
              rr.requests(),
              rr.p(0.5),
              rr.p(0.99),
              rr.rps(),
              rr.errors(),
              loadavg());
        }
      }
      line("");
    }

    /** The calls SearchRepository makes (limit 20 + 1 probe row), timed over JDBC. */
    List<String> timeCalls(
        Connection c,
        String kind,
        long modelId,
        List<String> queries,
        float[][] vectors,
        List<Double> ms,
        boolean commitEach)
        throws SQLException {
      String sql =
          switch (kind) {
            case "text" -> "SELECT image_id, score FROM search_text(p_query => ?, p_limit => 21)";
            case "vector" ->
                "SELECT image_id, score FROM search_vector(p_query => ?::vector, p_limit => 21,"
                    + " p_model_id => ?)";
            default ->
                "SELECT image_id, score FROM search_hybrid(p_query => ?, p_query_vector =>"
                    + " ?::vector, p_alpha => 0.5, p_fusion => 'linear', p_limit => 21, p_model_id"
                    + " => ?)";
          };
      List<String> results = new ArrayList<>();
      for (int i = 0; i < queries.size(); i++) {
        long t = System.nanoTime();
        StringBuilder b = new StringBuilder();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          int k = 1;
          if (!kind.equals("vector")) {
            ps.setString(k++, queries.get(i));
          }
          if (!kind.equals("text")) {
            ps.setObject(k++, new PGvector(vectors[i]));
            ps.setLong(k, modelId);
          }
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              b.append(rs.getString(1))
                  .append(String.format(Locale.ROOT, ":%.9f,", rs.getDouble(2)));
            }
          }
        }
        if (commitEach) {
          c.commit();
        }
        ms.add((System.nanoTime() - t) / 1e6);
        results.add(b.toString());
      }
      return results;
    }

    /**
     * The search functions alone over JDBC (1 client), and search_hybrid with the candidates'
     * vectors looked up by primary key instead of a hash join over all of image_embedding (the
     * function replaced inside a transaction that is rolled back; results compared).
     */
    void sqlLevel(long modelId, List<String> queries, float[][] vectors) throws Exception {
      line("### The SQL functions alone (JDBC, 1 client, the calls the REST API makes)");
      line("");
      line("| function | p50 ms | p99 ms |");
      line("|---|---|---|");
      try (Connection c = cfg.connect()) {
        c.setAutoCommit(false);
        List<String> before = null;
        for (String kind : List.of("text", "vector", "hybrid")) {
          timeCalls(c, kind, modelId, queries.subList(0, 20), vectors, new ArrayList<>(), true);
          List<Double> ms = new ArrayList<>();
          List<String> res = timeCalls(c, kind, modelId, queries, vectors, ms, true);
          if (kind.equals("hybrid")) {
            before = res;
          }
          Round r = new Round(kind, 1, ms.size(), 0, sorted(ms), 0);
          line("| search_%s | %.1f | %.1f |", kind, r.p(0.5), r.p(0.99));
        }
        String def;
        try (Statement st = c.createStatement();
            ResultSet rs =
                st.executeQuery("SELECT pg_get_functiondef('search_hybrid_core'::regproc)")) {
          rs.next();
          def = rs.getString(1);
        }
        String join =
            "(1 - (e.embedding <=> p_query))::double precision AS vs\n"
                + "        FROM candidates c\n"
                + "        JOIN image i ON i.id = c.id\n"
                + "        LEFT JOIN image_embedding e ON e.image_id = c.id AND e.model_id ="
                + " m.id),";
        String lookup =
            "(SELECT 1 - (e.embedding <=> p_query) FROM image_embedding e\n"
                + "                 WHERE e.image_id = c.id AND e.model_id = m.id)::double"
                + " precision AS vs\n"
                + "        FROM candidates c\n"
                + "        JOIN image i ON i.id = c.id),";
        if (!def.contains(join)) {
          line("");
          line(
              "(search_hybrid_core no longer has the hash-joined vector lookup (db/migration V3):"
                  + " nothing to compare.)");
        } else {
          c.commit();
          try (Statement st = c.createStatement()) {
            st.execute(def.replace(join, lookup));
          }
          timeCalls(
              c, "hybrid", modelId, queries.subList(0, 20), vectors, new ArrayList<>(), false);
          List<Double> ms = new ArrayList<>();
          List<String> after = timeCalls(c, "hybrid", modelId, queries, vectors, ms, false);
          c.rollback();
          int same = 0;
          for (int i = 0; i < after.size(); i++) {
            if (after.get(i).equals(before.get(i))) {
              same++;
            }
          }
          Round r = new Round("fixed", 1, ms.size(), 0, sorted(ms), 0);
          line(
              "| search_hybrid, candidate vectors by primary key (not committed) | %.1f | %.1f |",
              r.p(0.5), r.p(0.99));
          line("");
          line(
              "The last row replaces search_hybrid_core's `LEFT JOIN image_embedding` (planned as"
                  + " a hash join over all %d vectors, since the planner expects 1,000 rows from"
                  + " search_nearest) by a scalar subquery on the primary key, inside a transaction"
                  + " that is rolled back: identical ids and scores for %d of %d queries.",
              IMAGES, same, after.size());
        }
        line("");
        line("Load average after: %s.", loadavg());
        line("");
      }
    }

    /**
     * Exact top-10 and HNSW top-10 (search_vector at each ef_search). Exact search is a brute-force
     * scan in Java over the stored vectors read back with COPY (PostgreSQL's own exact scan takes
     * about a second per query here); a few queries are checked against PostgreSQL's exact ORDER BY
     * distance with index scans off.
     */
    void recall(long modelId, List<String> queries, float[][] textVectors) throws Exception {
      int n = cfg.recallQueries();
      // A: unseen vectors of the corpus' kind; B: stored vectors, self excluded (similar images);
      // C: the bench model's embeddings of the query texts (what mode=vector searched above).
      List<List<float[]>> querySets = vectorQuerySets(n);
      List<float[]> heldOut = querySets.get(0);
      List<float[]> gap = querySets.get(1);
      List<float[]> text =
          new ArrayList<>(
              Arrays.asList(textVectors).subList(0, Math.min(n / 2, textVectors.length)));

      line(
          "### Recall@10 of HNSW (search_vector) against exact search, and SQL latency per"
              + " ef_search");
      line("");
      try (Connection c = cfg.connect()) {
        c.setAutoCommit(false);
        long t0 = System.nanoTime();
        Exact exactIndex = Exact.load(c, modelId);
        c.commit();
        log("%d stored vectors read in %.1f s", exactIndex.n, seconds(t0));
        Random sr = new Random(20179);
        List<String> storedIds = new ArrayList<>();
        List<float[]> stored = new ArrayList<>();
        for (int i = 0; i < n / 2; i++) {
          int row = sr.nextInt(exactIndex.n);
          storedIds.add(exactIndex.ids[row]);
          stored.add(Arrays.copyOfRange(exactIndex.data, row * DIM, (row + 1) * DIM));
        }
        Map<String, List<float[]>> sets = new java.util.LinkedHashMap<>();
        sets.put("held-out", heldOut);
        sets.put("stored", stored);
        sets.put("text-like", gap);
        sets.put("bench-model", text);
        Map<String, List<List<String>>> exact = new HashMap<>();
        t0 = System.nanoTime();
        for (Map.Entry<String, List<float[]>> e : sets.entrySet()) {
          boolean self = e.getKey().equals("stored");
          List<float[]> qs = e.getValue();
          List<List<String>> tops =
              java.util.stream.IntStream.range(0, qs.size())
                  .parallel()
                  .mapToObj(i -> exactIndex.top(qs.get(i), 10, self ? storedIds.get(i) : null))
                  .toList();
          exact.put(e.getKey(), tops);
        }
        log(
            "exact top-10 of %d queries in %.1f s (in memory)",
            heldOut.size() + stored.size() + gap.size() + text.size(), seconds(t0));

        // Check the in-memory exact search against PostgreSQL's exact scan on a few queries.
        String exactSql =
            "SELECT e.image_id FROM image_embedding e WHERE e.model_id = "
                + modelId
                + " AND (?::text IS NULL OR e.image_id <> ?::text)"
                + " ORDER BY e.embedding::vector("
                + DIM
                + ") <=> ?::vector("
                + DIM
                + "), e.image_id LIMIT 10";
        int agree = 0;
        int checked = 0;
        List<Double> pgExactMs = new ArrayList<>();
        for (Map.Entry<String, List<float[]>> e : sets.entrySet()) {
          boolean self = e.getKey().equals("stored");
          for (int i = 0; i < Math.min(2, e.getValue().size()); i++) {
            try (Statement st = c.createStatement()) {
              st.execute("SET LOCAL enable_indexscan = off");
              st.execute("SET LOCAL enable_bitmapscan = off");
            }
            String ex = self ? storedIds.get(i) : null;
            if (checked == 0) {
              try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + exactSql)) {
                ps.setString(1, ex);
                ps.setString(2, ex);
                ps.setObject(3, new PGvector(e.getValue().get(i)));
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    if (rs.getString(1).contains("hnsw")) {
                      throw new IllegalStateException("the exact query uses the HNSW index");
                    }
                  }
                }
              }
            }
            long t = System.nanoTime();
            Set<String> pg;
            try (PreparedStatement ps = c.prepareStatement(exactSql)) {
              ps.setString(1, ex);
              ps.setString(2, ex);
              ps.setObject(3, new PGvector(e.getValue().get(i)));
              pg = ids(ps);
            }
            pgExactMs.add((System.nanoTime() - t) / 1e6);
            c.commit();
            checked++;
            if (pg.equals(new HashSet<>(exact.get(e.getKey()).get(i)))) {
              agree++;
            }
          }
        }
        line(
            "Exact top-10: brute force over the %d stored vectors (cosine, read back with COPY); it"
                + " agreed with PostgreSQL's exact ORDER BY distance (index scans off, a sequential"
                + " scan taking %.0f ms per query) on %d of %d checked queries.",
            exactIndex.n, median(sorted(pgExactMs)), agree, checked);
        line("");
        line(
            "Each cell: mean recall@10 / p50 ms of one search_vector call (JDBC round trip, limit"
                + " 10, 1 client). A: %d held-out image-like vectors; B: %d stored vectors, self"
                + " excluded (what /similar searches); C: %d text-like vectors with a CLIP-like"
                + " modality gap; D: %d embeddings of the query texts by the bench model (what"
                + " mode=vector and hybrid searched above).",
            heldOut.size(), stored.size(), gap.size(), text.size());
        line("");
        line("| ef_search | A | B | C | D | p99 ms, all |");
        line("|---|---|---|---|---|---|");
        String hnswSql =
            "SELECT image_id FROM search_vector(p_query => ?::vector, p_limit => 10,"
                + " p_exclude_id => ?::text, p_ef_search => ?)";
        for (int ef : EF_SWEEP) {
          StringBuilder row = new StringBuilder();
          List<Double> all = new ArrayList<>();
          for (Map.Entry<String, List<float[]>> e : sets.entrySet()) {
            boolean self = e.getKey().equals("stored");
            double sum = 0;
            List<Double> ms = new ArrayList<>();
            for (int i = 0; i < e.getValue().size(); i++) {
              long t = System.nanoTime();
              Set<String> got;
              try (PreparedStatement ps = c.prepareStatement(hnswSql)) {
                ps.setObject(1, new PGvector(e.getValue().get(i)));
                ps.setString(2, self ? storedIds.get(i) : null);
                ps.setInt(3, ef);
                got = ids(ps);
              }
              c.commit();
              ms.add((System.nanoTime() - t) / 1e6);
              List<String> truth = exact.get(e.getKey()).get(i);
              int hit = 0;
              for (String s : truth) {
                if (got.contains(s)) {
                  hit++;
                }
              }
              sum += hit / (double) truth.size();
            }
            all.addAll(ms);
            row.append(
                String.format(
                    Locale.ROOT, " %.3f / %.1f |", sum / e.getValue().size(), median(sorted(ms))));
          }
          Round rr = new Round("sql", 1, all.size(), 0, sorted(all), 0);
          line(
              "| %d%s |%s %.1f |",
              ef, ef == SERVICE_EF_SEARCH ? " (service default)" : "", row, rr.p(0.99));
        }
        line("");
        line("Load average after the sweep: %s.", loadavg());
        line("");
        geometry(exactIndex, sets, exact);
      }
    }

    /** The stored vectors of a model in memory, for exact (brute-force) search. */
    static final class Exact {
      final String[] ids;
      final float[] data;
      final int n;

      Exact(String[] ids, float[] data, int n) {
        this.ids = ids;
        this.data = data;
        this.n = n;
      }

      static Exact load(Connection c, long modelId) throws Exception {
        String[] ids = new String[IMAGES];
        float[] data = new float[IMAGES * DIM];
        int n = 0;
        try (java.io.DataInputStream in =
            new java.io.DataInputStream(
                new java.io.BufferedInputStream(
                    new org.postgresql.copy.PGCopyInputStream(
                        c.unwrap(PGConnection.class),
                        "COPY (SELECT image_id, embedding FROM image_embedding WHERE model_id = "
                            + modelId
                            + ") TO STDOUT (FORMAT binary)"),
                    1 << 20))) {
          in.skipNBytes(11);
          in.readInt();
          in.skipNBytes(in.readInt());
          while (true) {
            short fields = in.readShort();
            if (fields == -1) {
              break;
            }
            byte[] id = new byte[in.readInt()];
            in.readFully(id);
            in.readInt();
            int dim = in.readShort();
            in.readShort();
            if (dim != DIM || n == IMAGES) {
              throw new IllegalStateException("unexpected vector " + new String(id) + " of " + dim);
            }
            ids[n] = new String(id, StandardCharsets.UTF_8);
            for (int d = 0; d < DIM; d++) {
              data[n * DIM + d] = in.readFloat();
            }
            n++;
          }
        }
        return new Exact(ids, data, n);
      }

      /** Ids of the k most cosine-similar vectors, best first (ties by id, as ORDER BY ..., id). */
      List<String> top(float[] q, int k, String exclude) {
        // Pre-select 2k by float dot product (the vectors are unit length), then rank those by
        // exact double-precision cosine.
        int m = 2 * k;
        int[] best = new int[m];
        float[] bestScore = new float[m];
        Arrays.fill(bestScore, Float.NEGATIVE_INFINITY);
        Arrays.fill(best, -1);
        int worst = 0;
        for (int j = 0; j < n; j++) {
          int o = j * DIM;
          float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
          for (int d = 0; d < DIM; d += 8) {
            s0 += q[d] * data[o + d];
            s1 += q[d + 1] * data[o + d + 1];
            s2 += q[d + 2] * data[o + d + 2];
            s3 += q[d + 3] * data[o + d + 3];
            s4 += q[d + 4] * data[o + d + 4];
            s5 += q[d + 5] * data[o + d + 5];
            s6 += q[d + 6] * data[o + d + 6];
            s7 += q[d + 7] * data[o + d + 7];
          }
          float s = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
          if (s > bestScore[worst]) {
            best[worst] = j;
            bestScore[worst] = s;
            for (int t = 0; t < m; t++) {
              if (bestScore[t] < bestScore[worst]) {
                worst = t;
              }
            }
          }
        }
        double qn = Math.sqrt(dot(q, q));
        List<double[]> scored = new ArrayList<>();
        for (int j : best) {
          if (j < 0 || ids[j].equals(exclude)) {
            continue;
          }
          float[] v = Arrays.copyOfRange(data, j * DIM, (j + 1) * DIM);
          scored.add(new double[] {dot(q, v) / (qn * Math.sqrt(dot(v, v))), j});
        }
        scored.sort(
            (a, b) ->
                a[0] != b[0]
                    ? Double.compare(b[0], a[0])
                    : ids[(int) a[1]].compareTo(ids[(int) b[1]]));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(k, scored.size()); i++) {
          out.add(ids[(int) scored.get(i)[1]]);
        }
        return out;
      }
    }

    /** How clustered the vectors are: cosine of random pairs, of queries to their neighbours. */
    void geometry(Exact x, Map<String, List<float[]>> sets, Map<String, List<List<String>>> tops) {
      Map<String, Integer> row = new HashMap<>();
      for (int i = 0; i < x.n; i++) {
        row.put(x.ids[i], i);
      }
      Random r = new Random(20180);
      double random = 0;
      int pairs = 5000;
      for (int i = 0; i < pairs; i++) {
        random += dot(vec(x, r.nextInt(x.n)), vec(x, r.nextInt(x.n)));
      }
      StringBuilder b = new StringBuilder();
      for (Map.Entry<String, List<float[]>> e : sets.entrySet()) {
        double first = 0;
        double tenth = 0;
        List<float[]> qs = e.getValue();
        for (int i = 0; i < qs.size(); i++) {
          List<String> top = tops.get(e.getKey()).get(i);
          first += dot(qs.get(i), vec(x, row.get(top.get(0))));
          tenth += dot(qs.get(i), vec(x, row.get(top.get(top.size() - 1))));
        }
        b.append(
            String.format(
                Locale.ROOT,
                "; %s queries: %.2f to the nearest, %.2f to the 10th",
                e.getKey(),
                first / qs.size(),
                tenth / qs.size()));
      }
      line(
          "Vector geometry (mean cosine similarity): random pairs of stored vectors %.2f%s. (%d"
              + " clusters of uneven size x %d sub-clusters, noise in a %d-d subspace per cluster"
              + " plus isotropic noise.)",
          random / pairs, b, CLUSTERS, SUBCLUSTERS, SUBSPACE);
      line("");
    }

    static float[] vec(Exact x, int i) {
      return Arrays.copyOfRange(x.data, i * DIM, (i + 1) * DIM);
    }

    static Set<String> ids(PreparedStatement ps) throws SQLException {
      Set<String> s = new HashSet<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          s.add(rs.getString(1));
        }
      }
      return s;
    }
  }
}
