package org.medclip.backend.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import javax.sql.DataSource;
import org.medclip.clip.ClipEncoder;
import org.medclip.clip.EmbeddingResult;
import org.medclip.clip.EncodedImage;

/**
 * The small corpus the resource tests share: synthetic images (random pixels; no real data) with
 * captions, thumbnails and vectors under the active stand-in model. Its files are written once per
 * test run by {@link TestCorpusResource}; its rows are (re)inserted by {@link #ensure} whenever
 * another test class emptied the tables.
 *
 * <p>Special images: {@code ct-12} has no thumbnail and no file on disk; {@code ct-13}'s file
 * location points outside the image root; {@code ct-14} has no vector.
 */
public final class TestCorpus {
  /** Name of the active model; its bundle's spec name. */
  public static final String MODEL_A = "standin-clip";

  /** A second version of the model (another bundle), registered but not active. */
  public static final String MODEL_B = "standin-clip@2";

  /** A model whose row does not match its bundle (name and dimension). */
  public static final String MODEL_WRONG = "wrong-name";

  /**
   * A corpus image.
   *
   * @param file location relative to the image root
   */
  public record Image(
      String id, String split, String caption, int width, int height, String file) {}

  /** Images whose caption contains "nodule" (text search for it finds exactly these). */
  public static final List<String> NODULE_IDS =
      List.of("ct-01", "ct-03", "ct-06", "ct-08", "ct-11");

  public static final List<Image> IMAGES =
      List.of(
          new Image(
              "ct-01",
              "train",
              "Chest radiograph showing a small nodule in the left lower lobe.",
              64,
              48,
              "train/ct-01.png"),
          new Image(
              "ct-02", "train", "CT of the abdomen, normal study.", 40, 40, "train/ct-02.png"),
          new Image(
              "ct-03",
              "test",
              "Multiple pulmonary nodules on chest CT; nodule in the right lung.",
              96,
              64,
              "test/ct-03.png"),
          new Image("ct-04", "test", null, 64, 64, "test/ct-04.png"),
          new Image(
              "ct-05",
              "validation",
              "MRI of the knee with joint effusion.",
              48,
              48,
              "validation/ct-05.png"),
          new Image(
              "ct-06", "train", "Large nodule in the right upper lobe.", 80, 60, "train/ct-06.png"),
          new Image("ct-07", "train", "Brain MRI, normal.", 32, 32, "train/ct-07.png"),
          new Image(
              "ct-08",
              "train",
              "Micrograph of lung tissue with a nodule.",
              64,
              64,
              "train/ct-08.png"),
          new Image(
              "ct-09",
              "validation",
              "Chest X-ray: left lower lobe consolidation.",
              72,
              56,
              "validation/ct-09.png"),
          new Image(
              "ct-10",
              "test",
              "Axial MR slice of the brain, T2 weighted.",
              64,
              48,
              "test/ct-10.png"),
          new Image(
              "ct-11",
              "train",
              "Nodule follow-up chest CT after 3 months.",
              100,
              80,
              "train/ct-11.png"),
          new Image("ct-12", "train", "Ultrasound of the liver.", 50, 40, "train/ct-12.png"),
          new Image("ct-13", "train", "Knee radiograph, lateral view.", 40, 30, "../outside.png"),
          new Image(
              "ct-14", "test", "Hand radiograph without a vector.", 40, 40, "test/ct-14.png"));

  /** Ids of the images with a vector under model A. */
  public static final List<String> EMBEDDED =
      IMAGES.stream().map(Image::id).filter(id -> !id.equals("ct-14")).toList();

  /** Model ids of one corpus build. */
  public record Models(long a, long b, long wrong) {}

  private TestCorpus() {}

  /** Captions the stand-in tokenizers are built from. */
  public static List<String> captions() {
    List<String> out = new ArrayList<>();
    for (Image i : IMAGES) {
      if (i.caption() != null) {
        out.add(i.caption());
      }
    }
    return out;
  }

  /** Writes the image files under {@code root} (and the one outside it, next to the root). */
  public static void writeFiles(Path root) throws IOException {
    for (Image i : IMAGES) {
      if (i.id().equals("ct-12")) {
        continue; // its file is missing on purpose
      }
      Path file = root.resolve(i.file()).normalize();
      Files.createDirectories(file.getParent());
      Files.write(file, png(i));
    }
  }

  /** The PNG bytes of an image (random pixels seeded by its id). */
  public static byte[] png(Image i) throws IOException {
    return encode(pixels(i), "png");
  }

  /** Makes sure the corpus rows exist and model A is active; rebuilds them when they do not. */
  public static synchronized Models ensure(DataSource dataSource, Path testRoot)
      throws SQLException, IOException {
    try (Connection c = dataSource.getConnection();
        Statement st = c.createStatement()) {
      Models models = intact(st);
      if (models != null) {
        return models;
      }
      st.execute("SELECT drop_model(id) FROM model");
      st.execute("DELETE FROM image");
      long a = register(c, MODEL_A, StandInBundle.DIM, testRoot.resolve("bundles/a"));
      long b = register(c, MODEL_B, StandInBundle.DIM, testRoot.resolve("bundles/b"));
      long wrong = register(c, MODEL_WRONG, 8, testRoot.resolve("bundles/a"));
      insertImages(c, testRoot.resolve("images"));
      insertVectors(c, a, testRoot.resolve("bundles/a"), testRoot.resolve("images"));
      st.execute("SELECT activate_model(" + a + ")");
      return new Models(a, b, wrong);
    }
  }

  private static Models intact(Statement st) throws SQLException {
    long a = -1;
    long b = -1;
    long wrong = -1;
    try (ResultSet rs = st.executeQuery("SELECT id, name, state FROM model")) {
      while (rs.next()) {
        switch (rs.getString(2)) {
          case MODEL_A -> a = "active".equals(rs.getString(3)) ? rs.getLong(1) : -1;
          case MODEL_B -> b = rs.getLong(1);
          case MODEL_WRONG -> wrong = rs.getLong(1);
          default -> {
            return null;
          }
        }
      }
    }
    if (a < 0 || b < 0 || wrong < 0) {
      return null;
    }
    try (ResultSet rs =
        st.executeQuery(
            "SELECT (SELECT count(*) FROM image), (SELECT count(*) FROM image_embedding"
                + " WHERE model_id = "
                + a
                + ")")) {
      rs.next();
      if (rs.getLong(1) != IMAGES.size() || rs.getLong(2) != EMBEDDED.size()) {
        return null;
      }
    }
    return new Models(a, b, wrong);
  }

  private static long register(Connection c, String name, int dimension, Path bundle)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT register_model(?, ?, ?)")) {
      ps.setString(1, name);
      ps.setInt(2, dimension);
      ps.setString(3, bundle.toString());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static void insertImages(Connection c, Path root) throws SQLException, IOException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO image (id, split, caption, file_location, width, height, content_hash,"
                + " thumbnail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (Image i : IMAGES) {
        byte[] bytes = png(i);
        ps.setString(1, i.id());
        ps.setString(2, i.split());
        ps.setString(3, i.caption());
        ps.setString(4, i.file());
        ps.setInt(5, i.width());
        ps.setInt(6, i.height());
        ps.setBytes(7, sha256(bytes));
        ps.setBytes(8, i.id().equals("ct-12") ? null : encode(pixels(i), "jpg"));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static void insertVectors(Connection c, long model, Path bundle, Path root)
      throws SQLException, IOException {
    List<EncodedImage> images = new ArrayList<>();
    for (String id : EMBEDDED) {
      Image i = IMAGES.stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
      images.add(new EncodedImage(id, png(i)));
    }
    List<EmbeddingResult> results;
    try (ClipEncoder encoder = ClipEncoder.open(bundle)) {
      results = encoder.embedImageBytes(images);
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO image_embedding (image_id, model_id, embedding) VALUES (?, ?, ?::vector)")) {
      for (EmbeddingResult r : results) {
        if (!r.isOk()) {
          throw new IllegalStateException("cannot embed " + r);
        }
        StringBuilder v = new StringBuilder("[");
        for (int d = 0; d < r.vector().length; d++) {
          v.append(d == 0 ? "" : ",").append(r.vector()[d]);
        }
        ps.setString(1, r.name());
        ps.setLong(2, model);
        ps.setString(3, v.append(']').toString());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static BufferedImage pixels(Image i) {
    BufferedImage img = new BufferedImage(i.width(), i.height(), BufferedImage.TYPE_INT_RGB);
    Random rnd = new Random(i.id().hashCode());
    for (int y = 0; y < i.height(); y++) {
      for (int x = 0; x < i.width(); x++) {
        img.setRGB(x, y, rnd.nextInt(0x1000000));
      }
    }
    return img;
  }

  private static byte[] encode(BufferedImage img, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ImageIO.write(img, format, out)) {
      throw new IOException("no ImageIO writer for " + format);
    }
    return out.toByteArray();
  }

  /** SHA-256 of bytes. */
  public static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
