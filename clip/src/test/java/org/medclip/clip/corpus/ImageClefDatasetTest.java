package org.medclip.clip.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageClefDatasetTest {

  @TempDir Path tmp;

  private static final ImageClefDataset.Options OPTS =
      ImageClefDataset.Options.defaults().withThreads(2).withMaxExamples(3);

  // ---------------------------------------------------------------------------------------------
  // helpers

  private static byte[] png() {
    BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        img.getRaster().setSample(x, y, 0, 128);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The three folders with their image folders, no caption files. */
  private static Path skeleton(Path root) throws IOException {
    Files.createDirectories(root.resolve(ImageClefLayout.TRAINING_IMAGES));
    Files.createDirectories(root.resolve(ImageClefLayout.VALIDATION_IMAGES));
    Files.createDirectories(root.resolve(ImageClefLayout.TEST_IMAGES));
    return root;
  }

  private static void image(Path root, String dir, String file) throws IOException {
    Files.write(root.resolve(dir).resolve(file), png());
  }

  private static void text(Path root, String file, String content) throws IOException {
    Files.writeString(root.resolve(file), content, StandardCharsets.UTF_8);
  }

  /** A valid dataset: n training rows, 3 validation rows, 2 test ids. */
  private static Path valid(Path root, int n, boolean shuffledFile) throws IOException {
    skeleton(root);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = String.format("img-%04d", i);
      image(root, ImageClefLayout.TRAINING_IMAGES, id + ".jpg");
      lines.add(id + "\tcaption " + i);
    }
    if (shuffledFile) {
      Collections.shuffle(lines, new Random(7));
    }
    text(root, ImageClefLayout.TRAINING_CAPTIONS, String.join("\n", lines) + "\n");
    StringBuilder v = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      image(root, ImageClefLayout.VALIDATION_IMAGES, "val-" + i + ".png");
      v.append("val-").append(i).append("\tvalidation caption ").append(i).append('\n');
    }
    text(root, ImageClefLayout.VALIDATION_CAPTIONS, v.toString());
    image(root, ImageClefLayout.TEST_IMAGES, "t-0.jpeg");
    image(root, ImageClefLayout.TEST_IMAGES, "t-1.jpg");
    text(root, ImageClefLayout.TEST_LIST, "t-0\nt-1\n");
    return root;
  }

  // ---------------------------------------------------------------------------------------------
  // bad rows

  /** Training file with one row of every kind; see the expectations in the test below. */
  private static Path messy(Path root) throws IOException {
    skeleton(root);
    for (String id : new String[] {"good-1", "good-2", "good-3", "dup", "crlf-1", "broken"}) {
      image(root, ImageClefLayout.TRAINING_IMAGES, id + ".jpg");
    }
    // not an image at all: only found by --verify-images
    Files.writeString(root.resolve(ImageClefLayout.TRAINING_IMAGES).resolve("broken.jpg"), "hi");
    image(root, ImageClefLayout.TRAINING_IMAGES, "upper.JPG");
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}); // BOM
    b.writeBytes("good-1\t  First caption.  \n".getBytes(StandardCharsets.UTF_8)); // line 1
    b.writeBytes("crlf-1\tWindows line\r\n".getBytes(StandardCharsets.UTF_8)); // 2
    b.writeBytes("\n".getBytes(StandardCharsets.UTF_8)); // 3 blank
    b.writeBytes("no-tab-here caption with spaces\n".getBytes(StandardCharsets.UTF_8)); // 4
    b.writeBytes("good-2\tcaption\twith extra tab\n".getBytes(StandardCharsets.UTF_8)); // 5
    b.writeBytes("../etc/passwd\tpath traversal\n".getBytes(StandardCharsets.UTF_8)); // 6
    b.writeBytes("good-3\t   \n".getBytes(StandardCharsets.UTF_8)); // 7 empty caption
    b.writeBytes("dup\tfirst\n".getBytes(StandardCharsets.UTF_8)); // 8
    b.writeBytes("dup\tsecond\n".getBytes(StandardCharsets.UTF_8)); // 9 duplicate
    b.writeBytes("latin1\tcaf".getBytes(StandardCharsets.UTF_8)); // 10 invalid UTF-8
    b.writeBytes(new byte[] {(byte) 0xE9, '\n'});
    b.writeBytes("missing-1\tno file\n".getBytes(StandardCharsets.UTF_8)); // 11
    b.writeBytes("broken\tnot really a jpeg\n".getBytes(StandardCharsets.UTF_8)); // 12
    b.writeBytes("upper\tupper-case extension\n".getBytes(StandardCharsets.UTF_8)); // 13
    b.writeBytes("missing-2\tno file either".getBytes(StandardCharsets.UTF_8)); // 14, no LF
    Files.write(root.resolve(ImageClefLayout.TRAINING_CAPTIONS), b.toByteArray());
    image(root, ImageClefLayout.VALIDATION_IMAGES, "v-1.jpg");
    text(
        root,
        ImageClefLayout.VALIDATION_CAPTIONS,
        "v-1\tvalidation\ngood-1\tleaks from training\n");
    image(root, ImageClefLayout.TEST_IMAGES, "t-1.jpg");
    text(root, ImageClefLayout.TEST_LIST, "t-1\nt-2\nt-3\tcaption\n");
    return root;
  }

  @Test
  void everyBadRowKindIsCountedUnderItsReasonWithExamplesAndNothingIsFatal() throws Exception {
    Path root = messy(tmp.resolve("messy"));
    ImageClefDataset ds = ImageClefDataset.load(root, OPTS);
    DataReport r = ds.report();
    String csv = ImageClefLayout.TRAINING_CAPTIONS;

    assertEquals(1, r.badRowCount(BadRowReason.NO_TAB));
    assertEquals(2, r.badRowCount(BadRowReason.EXTRA_TABS), "one caption row + one list row");
    assertEquals(1, r.badRowCount(BadRowReason.INVALID_ID));
    assertEquals(1, r.badRowCount(BadRowReason.EMPTY_CAPTION));
    assertEquals(2, r.badRowCount(BadRowReason.DUPLICATE_ID), "dup in training + good-1 again");
    assertEquals(1, r.badRowCount(BadRowReason.INVALID_UTF8));
    assertEquals(3, r.badRowCount(BadRowReason.MISSING_IMAGE), "missing-1, missing-2, t-2");
    assertEquals(0, r.badRowCount(BadRowReason.UNDECODABLE_IMAGE), "not verified");
    assertEquals(11, r.totalBadRows());

    assertEquals(
        List.of(csv + ":4: no-tab-here caption with spaces"), examples(r, BadRowReason.NO_TAB));
    assertTrue(examples(r, BadRowReason.EXTRA_TABS).get(0).startsWith(csv + ":5: 3 columns"));
    assertEquals(List.of(csv + ":6: id '../etc/passwd'"), examples(r, BadRowReason.INVALID_ID));
    assertEquals(List.of(csv + ":7: id 'good-3'"), examples(r, BadRowReason.EMPTY_CAPTION));
    assertEquals(
        List.of(csv + ":9: id 'dup'", ImageClefLayout.VALIDATION_CAPTIONS + ":2: id 'good-1'"),
        examples(r, BadRowReason.DUPLICATE_ID));
    assertTrue(examples(r, BadRowReason.INVALID_UTF8).get(0).startsWith(csv + ":10: latin1"));
    assertEquals(
        List.of(
            csv
                + ":11: no missing-1.jpg, .jpeg or .png in "
                + ImageClefLayout.TRAINING_IMAGES
                + "/",
            csv
                + ":14: no missing-2.jpg, .jpeg or .png in "
                + ImageClefLayout.TRAINING_IMAGES
                + "/",
            ImageClefLayout.TEST_LIST
                + ":2: no t-2.jpg, .jpeg or .png in "
                + ImageClefLayout.TEST_IMAGES
                + "/"),
        examples(r, BadRowReason.MISSING_IMAGE));

    assertEquals(1, r.noteCount(DataNote.BOM));
    assertEquals(1, r.noteCount(DataNote.CRLF));
    assertEquals(1, r.noteCount(DataNote.BLANK_LINE));
    assertEquals(List.of(csv + ":3"), r.notes().get(DataNote.BLANK_LINE).examples());

    Map<String, ImageRecord> byId =
        ds.records().stream().collect(Collectors.toMap(ImageRecord::id, Function.identity()));
    assertEquals(Set.of("good-1", "crlf-1", "dup", "broken", "upper", "v-1", "t-1"), byId.keySet());
    assertEquals("First caption.", byId.get("good-1").caption(), "BOM stripped, trimmed");
    assertEquals("Windows line", byId.get("crlf-1").caption(), "CR stripped");
    assertEquals("first", byId.get("dup").caption(), "first row wins");
    assertEquals(ImageClefLayout.TRAINING_IMAGES + "/upper.JPG", byId.get("upper").image());
    assertEquals(Split.TEST, byId.get("v-1").split());
    assertEquals(Split.UNLABELLED, byId.get("t-1").split());
    assertNull(byId.get("t-1").caption());
    assertEquals(5, r.count(Split.TRAIN) + r.count(Split.VALIDATION));
    assertTrue(Files.isRegularFile(byId.get("upper").resolve(root)));
  }

  @Test
  void verifyImagesReportsUndecodableImagesAndKeepsGoing() throws Exception {
    Path root = messy(tmp.resolve("messy"));
    ImageClefDataset ds = ImageClefDataset.load(root, OPTS.withVerifyImages(true));
    DataReport r = ds.report();
    assertEquals(1, r.badRowCount(BadRowReason.UNDECODABLE_IMAGE));
    String example = examples(r, BadRowReason.UNDECODABLE_IMAGE).get(0);
    assertTrue(example.startsWith(ImageClefLayout.TRAINING_CAPTIONS + ":12: "), example);
    assertTrue(example.contains("NOT_AN_IMAGE"), example);
    assertFalse(ds.records().stream().anyMatch(x -> x.id().equals("broken")));
    assertTrue(r.imagesVerified());
  }

  @Test
  void examplesAreCappedButCountsAreNot() throws Exception {
    Path root = valid(tmp.resolve("d"), 5, false);
    StringBuilder sb =
        new StringBuilder(Files.readString(root.resolve(ImageClefLayout.TRAINING_CAPTIONS)));
    for (int i = 0; i < 7; i++) {
      sb.append("gone-").append(i).append("\tno image\n");
    }
    text(root, ImageClefLayout.TRAINING_CAPTIONS, sb.toString());
    DataReport r = ImageClefDataset.load(root, OPTS).report();
    assertEquals(7, r.badRowCount(BadRowReason.MISSING_IMAGE));
    assertEquals(3, examples(r, BadRowReason.MISSING_IMAGE).size());
  }

  @Test
  void reportRendersAsMarkdownAndJson() throws Exception {
    DataReport r = ImageClefDataset.load(messy(tmp.resolve("m")), OPTS).report();
    String md = r.toMarkdown();
    assertTrue(md.startsWith("# Dataset report"), md);
    assertTrue(md.contains("| missing_image | 3 |"), md);
    assertTrue(md.contains("### duplicate_id (first 2)"), md);
    assertTrue(md.contains("- bom: 1"), md);
    JsonNode json = new ObjectMapper().readTree(r.toJson());
    assertEquals(r.count(Split.TRAIN), json.at("/counts/train").asInt());
    assertEquals(1, json.at("/counts/test").asInt());
    assertEquals(1, json.at("/counts/unlabelled").asInt());
    assertEquals(3, json.at("/bad_rows/missing_image/count").asInt());
    assertEquals(3, json.at("/bad_rows/missing_image/examples").size());
    assertEquals(11, json.at("/total_bad_rows").asInt());
    assertEquals(1, json.at("/notes/crlf/count").asInt());
  }

  // ---------------------------------------------------------------------------------------------
  // split

  @Test
  void splitIs90To10DeterministicAndIndependentOfFileOrder() throws Exception {
    ImageClefDataset a = ImageClefDataset.load(valid(tmp.resolve("a"), 200, false), OPTS);
    ImageClefDataset b = ImageClefDataset.load(valid(tmp.resolve("b"), 200, true), OPTS);
    assertEquals(180, a.report().count(Split.TRAIN));
    assertEquals(20, a.report().count(Split.VALIDATION));
    assertEquals(3, a.report().count(Split.TEST));
    assertEquals(2, a.report().count(Split.UNLABELLED));
    assertEquals(ids(a, Split.VALIDATION), ids(b, Split.VALIDATION));
    assertEquals(
        ids(a, Split.VALIDATION),
        ids(ImageClefDataset.load(tmp.resolve("a"), OPTS), Split.VALIDATION),
        "same input, same seed: same split");
    ImageClefDataset other = ImageClefDataset.load(tmp.resolve("a"), OPTS.withSeed(43));
    assertEquals(20, other.report().count(Split.VALIDATION));
    assertNotEquals(ids(a, Split.VALIDATION), ids(other, Split.VALIDATION));
    // no id in two splits, all validation ids were training rows
    assertTrue(ids(a, Split.VALIDATION).stream().allMatch(id -> id.startsWith("img-")));
    assertEquals(205, a.records().stream().map(ImageRecord::id).distinct().count());
  }

  @Test
  void splitProportionsRoundToTheNearestImage() throws Exception {
    ImageClefDataset ds = ImageClefDataset.load(valid(tmp.resolve("s"), 25, false), OPTS);
    assertEquals(3, ds.report().count(Split.VALIDATION)); // round(2.5) = 3
    assertEquals(22, ds.report().count(Split.TRAIN));
  }

  private static List<String> ids(ImageClefDataset ds, Split split) {
    return ds.records(split).stream().map(ImageRecord::id).toList();
  }

  private static List<String> examples(DataReport r, BadRowReason reason) {
    return r.badRows().get(reason).examples();
  }

  // ---------------------------------------------------------------------------------------------
  // manifest

  @Test
  void manifestRoundTripsRecordsIncludingEscapedCaptions() throws Exception {
    ImageClefDataset ds = ImageClefDataset.load(valid(tmp.resolve("d"), 30, false), OPTS);
    List<ImageRecord> records = new ArrayList<>(ds.records());
    records.add(
        new ImageRecord(
            "odd", Split.TEST, "validation/x/odd.png", "tab\there, back\\slash, \\t, nl\nend"));
    Path file = tmp.resolve("out/split-manifest.tsv");
    SplitManifest.write(file, records);
    assertEquals(records, SplitManifest.read(file));
    String text = Files.readString(file);
    assertTrue(text.startsWith("id\tsplit\timage\tcaption\n"), text);
    assertTrue(
        text.contains(
            "odd\ttest\tvalidation/x/odd.png\ttab\\there, back\\\\slash, \\\\t, nl\\nend\n"));
    assertTrue(text.contains("t-0\tunlabelled\t" + ImageClefLayout.TEST_IMAGES + "/t-0.jpeg\t\n"));
  }

  @Test
  void loadOrCreateWritesOnceAndLaterCallsReuseTheManifest() throws Exception {
    Path root = valid(tmp.resolve("d"), 40, false);
    Path manifest = root.resolve(SplitManifest.DEFAULT_FILE_NAME);
    List<ImageRecord> first = SplitManifest.loadOrCreate(root, manifest, OPTS);
    assertTrue(Files.exists(manifest));
    // a different seed now must not change the split: the manifest decides
    List<ImageRecord> again = SplitManifest.loadOrCreate(root, manifest, OPTS.withSeed(99));
    assertEquals(first, again);
  }

  @Test
  void badManifestsAreOneSentenceNamingTheLine() throws Exception {
    Path f = tmp.resolve("m.tsv");
    Files.writeString(f, "id,split,image,caption\n");
    assertTrue(
        assertThrows(DatasetException.class, () -> SplitManifest.read(f))
            .getMessage()
            .contains("header"));
    Files.writeString(
        f,
        "id\tsplit\timage\tcaption\na\ttrain\ttraining/a.png\tok\na\tholdout\ttraining/b.png\tx\n");
    DatasetException e = assertThrows(DatasetException.class, () -> SplitManifest.read(f));
    assertTrue(
        e.getMessage().contains("line 3") && e.getMessage().contains("holdout"), e.getMessage());
    Files.writeString(f, "id\tsplit\timage\tcaption\na\ttrain\ttraining/a.png\n");
    e = assertThrows(DatasetException.class, () -> SplitManifest.read(f));
    assertEquals("Split manifest " + f + " line 2 has 3 columns instead of 4.", e.getMessage());
    assertThrows(DatasetException.class, () -> SplitManifest.read(tmp.resolve("absent.tsv")));
  }

  // ---------------------------------------------------------------------------------------------
  // unusable folders

  private String failure(Path root) {
    return assertThrows(DatasetException.class, () -> ImageClefDataset.load(root, OPTS))
        .getMessage();
  }

  @Test
  void missingRootIsOneSentence() {
    Path root = tmp.resolve("nope");
    assertEquals("Dataset folder " + root + " does not exist.", failure(root));
  }

  @Test
  void fileInsteadOfFolderIsOneSentence() throws Exception {
    Path f = Files.writeString(tmp.resolve("file.txt"), "x");
    assertEquals(
        "Dataset path " + f + " is a file, not a folder in the ImageCLEF 2017 layout.", failure(f));
  }

  @Test
  void emptyFolderIsOneSentence() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("empty"));
    assertEquals(
        "Dataset folder "
            + root
            + " is empty; expected the ImageCLEF 2017 Caption Prediction layout with training/,"
            + " validation/ and test/ folders.",
        failure(root));
  }

  @Test
  void wrongLayoutNamesWhatIsMissingAndWhatWasFound() throws Exception {
    Path root = tmp.resolve("wrong");
    Files.createDirectories(root.resolve("training/images"));
    Files.writeString(root.resolve("training/captions.csv"), "a\tb\n");
    assertEquals(
        "Dataset folder "
            + root
            + " is not in the ImageCLEF 2017 Caption Prediction layout:"
            + " training/CaptionPredictionTraining2017-Captions.csv is missing"
            + " (found in training/: captions.csv, images/).",
        failure(root));

    Path flat = tmp.resolve("flat");
    Files.createDirectories(flat);
    Files.writeString(flat.resolve("captions.tsv"), "a\tb\n");
    assertEquals(
        "Dataset folder "
            + flat
            + " is not in the ImageCLEF 2017 Caption Prediction layout: training/ is missing"
            + " (found in "
            + flat
            + ": captions.tsv).",
        failure(flat));

    Path noValidationImages = valid(tmp.resolve("nv"), 3, false);
    for (Path p :
        Files.list(noValidationImages.resolve(ImageClefLayout.VALIDATION_IMAGES)).toList()) {
      Files.delete(p);
    }
    Files.delete(noValidationImages.resolve(ImageClefLayout.VALIDATION_IMAGES));
    assertTrue(
        failure(noValidationImages)
            .endsWith(
                ": validation/ConceptDetectionValidation2017/ is missing (found in validation/:"
                    + " CaptionPredictionValidation2017-Captions.csv)."));
  }

  @Test
  void captionFileWithoutAnyMatchingImageIsOneSentence() throws Exception {
    Path root = valid(tmp.resolve("d"), 4, false);
    text(root, ImageClefLayout.TRAINING_CAPTIONS, "x-1\ta\nx-2\tb\n");
    assertEquals(
        "Caption file "
            + root.resolve(ImageClefLayout.TRAINING_CAPTIONS)
            + " lists 2 images but none of them has an image file <id>.jpg, .jpeg or .png in "
            + root.resolve(ImageClefLayout.TRAINING_IMAGES)
            + " (that folder holds 4 image files).",
        failure(root));
  }

  @Test
  void emptyCaptionFileIsOneSentence() throws Exception {
    Path root = valid(tmp.resolve("d"), 4, false);
    text(root, ImageClefLayout.VALIDATION_CAPTIONS, "\n\n");
    assertEquals(
        "Caption file "
            + root.resolve(ImageClefLayout.VALIDATION_CAPTIONS)
            + " is empty; expected lines of image id TAB caption.",
        failure(root));
  }

  @Test
  void missingTestFolderIsOnlyANote() throws Exception {
    Path root = valid(tmp.resolve("d"), 10, false);
    for (Path p : Files.list(root.resolve(ImageClefLayout.TEST_IMAGES)).toList()) {
      Files.delete(p);
    }
    Files.delete(root.resolve(ImageClefLayout.TEST_IMAGES));
    Files.delete(root.resolve(ImageClefLayout.TEST_LIST));
    Files.delete(root.resolve(ImageClefLayout.TEST_DIR));
    DataReport r = ImageClefDataset.load(root, OPTS).report();
    assertEquals(1, r.noteCount(DataNote.NO_TEST_FOLDER));
    assertEquals(0, r.count(Split.UNLABELLED));
    assertEquals(10, r.count(Split.TRAIN) + r.count(Split.VALIDATION));
  }
}
