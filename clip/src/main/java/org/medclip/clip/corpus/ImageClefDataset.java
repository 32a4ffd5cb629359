package org.medclip.clip.corpus;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.medclip.clip.image.ImageDecodeException;
import org.medclip.clip.image.ImageDecoder;

/**
 * Reads an ImageCLEF 2017 Caption Prediction folder (see {@link ImageClefLayout}) into usable
 * {@link ImageRecord}s and a {@link DataReport}.
 *
 * <p>Splits follow the reference study: the original validation set becomes {@link Split#TEST}; the
 * usable rows of the original training set are sorted by id, shuffled with {@code new
 * Random(seed)}, and the first {@code round(n * validationFraction)} become {@link
 * Split#VALIDATION}, the rest {@link Split#TRAIN}; the ids of the test list are {@link
 * Split#UNLABELLED}. The result depends only on the usable ids and the seed, not on file order.
 * Persist it with {@link SplitManifest} so later commands reuse the same split.
 *
 * <p>Rows are never fatal: each bad row is counted under one {@link BadRowReason} (the first that
 * applies, in enum order) with up to {@link Options#maxExamples()} examples. Each line is decoded
 * on its own with a strict UTF-8 decoder, so one bad byte costs one row. A caption line must have
 * exactly one tab: {@code id TAB caption}; a second tab makes the row bad ({@link
 * BadRowReason#EXTRA_TABS}) rather than guessing which column is the caption. Captions are trimmed.
 * A byte order mark on the first line is stripped and CR LF endings accepted; both are noted.
 *
 * <p>Only problems that make the whole folder unusable throw a {@link DatasetException}, before any
 * row is read where possible: missing or empty root, a required file or folder missing (the message
 * names it and lists what was found instead), an empty caption file, or a caption file none of
 * whose ids has an image file.
 */
public final class ImageClefDataset {

  /**
   * How to read a dataset.
   *
   * @param seed seed of the TRAIN/VALIDATION split
   * @param validationFraction fraction of the original training set held out as VALIDATION, in [0,
   *     1)
   * @param verifyImages read every image file and decode its header ({@code --verify-images})
   * @param maxExamples examples kept per bad-row reason or note, at least 0
   * @param threads worker threads for image verification, at least 1
   */
  public record Options(
      long seed, double validationFraction, boolean verifyImages, int maxExamples, int threads) {

    /** Seed used when none is given. */
    public static final long DEFAULT_SEED = 42L;

    /** Checks the ranges above. */
    public Options {
      if (!(validationFraction >= 0 && validationFraction < 1)) {
        throw new IllegalArgumentException(
            "validationFraction must be in [0, 1), got " + validationFraction);
      }
      if (maxExamples < 0 || threads < 1) {
        throw new IllegalArgumentException("maxExamples >= 0 and threads >= 1 required");
      }
    }

    /** Seed 42, 10 % validation, no image verification, 5 examples, one thread per core. */
    public static Options defaults() {
      return new Options(
          DEFAULT_SEED, 0.1, false, 5, Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    /** A copy with another seed. */
    public Options withSeed(long s) {
      return new Options(s, validationFraction, verifyImages, maxExamples, threads);
    }

    /** A copy with image verification on or off. */
    public Options withVerifyImages(boolean v) {
      return new Options(seed, validationFraction, v, maxExamples, threads);
    }

    /** A copy with another example limit. */
    public Options withMaxExamples(int n) {
      return new Options(seed, validationFraction, verifyImages, n, threads);
    }

    /** A copy with another thread count. */
    public Options withThreads(int n) {
      return new Options(seed, validationFraction, verifyImages, maxExamples, n);
    }
  }

  private final Path root;
  private final List<ImageRecord> records;
  private final DataReport report;

  private ImageClefDataset(Path root, List<ImageRecord> records, DataReport report) {
    this.root = root;
    this.records = List.copyOf(records);
    this.report = report;
  }

  /** The dataset root. */
  public Path root() {
    return root;
  }

  /** All usable images: TRAIN, VALIDATION, TEST, UNLABELLED, each sorted by id. */
  public List<ImageRecord> records() {
    return records;
  }

  /** The usable images of one split, sorted by id. */
  public List<ImageRecord> records(Split split) {
    return records.stream().filter(r -> r.split() == split).toList();
  }

  /** Counts, bad rows and notes. */
  public DataReport report() {
    return report;
  }

  /** Reads {@code root} with {@link Options#defaults()}. */
  public static ImageClefDataset load(Path root) throws DatasetException {
    return load(root, Options.defaults());
  }

  /**
   * Reads the dataset under {@code root}.
   *
   * @throws DatasetException when the folder cannot be used at all (see the class comment)
   */
  public static ImageClefDataset load(Path root, Options options) throws DatasetException {
    Layout layout = checkLayout(root);
    Tallies tallies = new Tallies(options.maxExamples());
    Set<String> seen = new HashSet<>();
    List<Row> training =
        readRows(
            root, ImageClefLayout.TRAINING_CAPTIONS, layout.trainingImages, true, seen, tallies);
    List<Row> validation =
        readRows(
            root,
            ImageClefLayout.VALIDATION_CAPTIONS,
            layout.validationImages,
            true,
            seen,
            tallies);
    List<Row> test = List.of();
    if (layout.testImages != null) {
      test = readRows(root, ImageClefLayout.TEST_LIST, layout.testImages, false, seen, tallies);
    } else {
      tallies.note(DataNote.NO_TEST_FOLDER, "test/ is absent");
    }
    if (options.verifyImages()) {
      training = verify(root, training, tallies, options.threads());
      validation = verify(root, validation, tallies, options.threads());
      test = verify(root, test, tallies, options.threads());
    }
    List<ImageRecord> out = new ArrayList<>();
    out.addAll(assignTrainValidation(training, options.seed(), options.validationFraction()));
    validation.stream()
        .sorted((a, b) -> a.id.compareTo(b.id))
        .forEach(r -> out.add(new ImageRecord(r.id, Split.TEST, r.image, r.caption)));
    test.stream()
        .sorted((a, b) -> a.id.compareTo(b.id))
        .forEach(r -> out.add(new ImageRecord(r.id, Split.UNLABELLED, r.image, null)));
    EnumMap<Split, Integer> counts = new EnumMap<>(Split.class);
    out.forEach(r -> counts.merge(r.split(), 1, Integer::sum));
    DataReport report =
        new DataReport(
            root.toString(),
            options.seed(),
            options.validationFraction(),
            options.verifyImages(),
            counts,
            tallies.bad(),
            tallies.notes());
    return new ImageClefDataset(root, out, report);
  }

  // ---------------------------------------------------------------------------------------------
  // Split

  private static List<ImageRecord> assignTrainValidation(List<Row> rows, long seed, double frac) {
    List<Row> sorted = new ArrayList<>(rows);
    sorted.sort((a, b) -> a.id.compareTo(b.id));
    List<Row> shuffled = new ArrayList<>(sorted);
    Collections.shuffle(shuffled, new Random(seed));
    int nValidation = (int) Math.round(sorted.size() * frac);
    Set<String> validation = new HashSet<>();
    for (int i = 0; i < nValidation; i++) {
      validation.add(shuffled.get(i).id);
    }
    List<ImageRecord> train = new ArrayList<>();
    List<ImageRecord> val = new ArrayList<>();
    for (Row r : sorted) {
      boolean v = validation.contains(r.id);
      (v ? val : train)
          .add(new ImageRecord(r.id, v ? Split.VALIDATION : Split.TRAIN, r.image, r.caption));
    }
    train.addAll(val);
    return train;
  }

  // ---------------------------------------------------------------------------------------------
  // Layout

  private record Layout(String trainingImages, String validationImages, String testImages) {}

  private static Layout checkLayout(Path root) throws DatasetException {
    if (!Files.exists(root)) {
      throw new DatasetException("Dataset folder " + root + " does not exist.");
    }
    if (!Files.isDirectory(root)) {
      throw new DatasetException(
          "Dataset path " + root + " is a file, not a folder in the ImageCLEF 2017 layout.");
    }
    if (list(root).isEmpty()) {
      throw new DatasetException(
          "Dataset folder "
              + root
              + " is empty; expected the ImageCLEF 2017 Caption Prediction layout with training/,"
              + " validation/ and test/ folders.");
    }
    require(root, ImageClefLayout.TRAINING_DIR, true);
    require(root, ImageClefLayout.TRAINING_CAPTIONS, false);
    require(root, ImageClefLayout.TRAINING_IMAGES, true);
    require(root, ImageClefLayout.VALIDATION_DIR, true);
    require(root, ImageClefLayout.VALIDATION_CAPTIONS, false);
    String validationImages = ImageClefLayout.VALIDATION_IMAGES;
    if (!Files.isDirectory(root.resolve(validationImages))
        && Files.isDirectory(root.resolve(ImageClefLayout.VALIDATION_IMAGES_ALT))) {
      validationImages = ImageClefLayout.VALIDATION_IMAGES_ALT;
    }
    require(root, validationImages, true);
    String testImages = null;
    if (Files.exists(root.resolve(ImageClefLayout.TEST_DIR))) {
      require(root, ImageClefLayout.TEST_DIR, true);
      require(root, ImageClefLayout.TEST_LIST, false);
      require(root, ImageClefLayout.TEST_IMAGES, true);
      testImages = ImageClefLayout.TEST_IMAGES;
    }
    return new Layout(ImageClefLayout.TRAINING_IMAGES, validationImages, testImages);
  }

  private static void require(Path root, String rel, boolean folder) throws DatasetException {
    Path p = root.resolve(rel);
    if (folder ? Files.isDirectory(p) : Files.isRegularFile(p)) {
      return;
    }
    Path parent = p.getParent();
    String parentRel = root.relativize(parent).toString();
    String where = parentRel.isEmpty() ? root.toString() : parentRel + "/";
    List<String> found = list(parent);
    String foundText =
        found.isEmpty()
            ? "nothing"
            : String.join(", ", found.subList(0, Math.min(10, found.size())))
                + (found.size() > 10 ? " and " + (found.size() - 10) + " more" : "");
    String what =
        Files.exists(p) ? (folder ? " is not a folder" : " is not a file") : " is missing";
    throw new DatasetException(
        "Dataset folder "
            + root
            + " is not in the ImageCLEF 2017 Caption Prediction layout: "
            + rel
            + (folder ? "/" : "")
            + what
            + " (found in "
            + where
            + ": "
            + foundText
            + ").");
  }

  /** Sorted entry names of {@code dir} ('/' appended to folders); empty if unreadable. */
  private static List<String> list(Path dir) {
    TreeSet<String> names = new TreeSet<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        names.add(p.getFileName() + (Files.isDirectory(p) ? "/" : ""));
      }
    } catch (IOException e) {
      return List.of();
    }
    return new ArrayList<>(names);
  }

  /** Image files of a folder: id to file name, preferring the order of IMAGE_EXTENSIONS. */
  private static Map<String, String> listImages(Path dir) throws DatasetException {
    Map<String, String> byId = new HashMap<>();
    Map<String, Integer> rank = new HashMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        for (int i = 0; i < ImageClefLayout.IMAGE_EXTENSIONS.size(); i++) {
          String ext = ImageClefLayout.IMAGE_EXTENSIONS.get(i);
          if (lower.endsWith(ext) && name.length() > ext.length()) {
            String id = name.substring(0, name.length() - ext.length());
            Integer old = rank.get(id);
            if ((old == null || i < old) && Files.isRegularFile(p)) {
              byId.put(id, name);
              rank.put(id, i);
            }
            break;
          }
        }
      }
    } catch (IOException e) {
      throw new DatasetException("Image folder " + dir + " cannot be listed: " + e + ".", e);
    }
    return byId;
  }

  // ---------------------------------------------------------------------------------------------
  // Rows

  /** A usable row: image exists (and decodes, when verified). {@code caption} null for lists. */
  private record Row(String id, String caption, String image, String where) {}

  private static List<Row> readRows(
      Path root, String file, String imagesRel, boolean captioned, Set<String> seen, Tallies t)
      throws DatasetException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(root.resolve(file));
    } catch (IOException e) {
      throw new DatasetException(
          "Caption file " + root.resolve(file) + " cannot be read: " + e + ".", e);
    }
    Map<String, String> images = listImages(root.resolve(imagesRel));
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    List<Row> rows = new ArrayList<>();
    int nonBlank = 0;
    int checked = 0; // rows that reached the image lookup
    int start = 0;
    int lineNo = 0;
    while (start < bytes.length) {
      int end = start;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      int next = end + 1;
      lineNo++;
      String where = file + ":" + lineNo;
      int s = start;
      int e = end;
      if (lineNo == 1
          && e - s >= 3
          && (bytes[s] & 0xFF) == 0xEF
          && (bytes[s + 1] & 0xFF) == 0xBB
          && (bytes[s + 2] & 0xFF) == 0xBF) {
        s += 3;
        t.note(DataNote.BOM, file);
      }
      if (e > s && bytes[e - 1] == '\r') {
        e--;
        t.note(DataNote.CRLF, where);
      }
      start = next;
      String line;
      try {
        line = decoder.decode(ByteBuffer.wrap(bytes, s, e - s)).toString();
      } catch (CharacterCodingException ex) {
        nonBlank++;
        String lossy = new String(bytes, s, e - s, StandardCharsets.UTF_8);
        t.bad(BadRowReason.INVALID_UTF8, where + ": " + abbreviate(lossy));
        continue;
      }
      if (line.isBlank()) {
        t.note(DataNote.BLANK_LINE, where);
        continue;
      }
      nonBlank++;
      String id;
      String caption = null;
      int tab = line.indexOf('\t');
      if (captioned) {
        if (tab < 0) {
          t.bad(BadRowReason.NO_TAB, where + ": " + abbreviate(line));
          continue;
        }
        if (line.indexOf('\t', tab + 1) >= 0) {
          int columns = line.split("\t", -1).length;
          t.bad(BadRowReason.EXTRA_TABS, where + ": " + columns + " columns: " + abbreviate(line));
          continue;
        }
        id = line.substring(0, tab).strip();
        caption = line.substring(tab + 1).strip();
      } else {
        if (tab >= 0) {
          t.bad(BadRowReason.EXTRA_TABS, where + ": tab in an id list: " + abbreviate(line));
          continue;
        }
        id = line.strip();
      }
      if (!ImageClefLayout.isValidId(id)) {
        t.bad(BadRowReason.INVALID_ID, where + ": id '" + abbreviate(id) + "'");
        continue;
      }
      if (captioned && caption.isEmpty()) {
        t.bad(BadRowReason.EMPTY_CAPTION, where + ": id '" + id + "'");
        continue;
      }
      if (!seen.add(id)) {
        t.bad(BadRowReason.DUPLICATE_ID, where + ": id '" + id + "'");
        continue;
      }
      checked++;
      String name = images.get(id);
      if (name == null) {
        t.bad(
            BadRowReason.MISSING_IMAGE,
            where + ": no " + id + ".jpg, .jpeg or .png in " + imagesRel + "/");
        continue;
      }
      rows.add(new Row(id, caption, imagesRel + "/" + name, where));
    }
    if (captioned && nonBlank == 0) {
      throw new DatasetException(
          "Caption file "
              + root.resolve(file)
              + " is empty; expected lines of image id TAB caption.");
    }
    if (checked > 0 && rows.isEmpty()) {
      throw new DatasetException(
          (captioned ? "Caption file " : "Id list ")
              + root.resolve(file)
              + " lists "
              + checked
              + " image"
              + (checked == 1 ? "" : "s")
              + " but none of them has an image file <id>.jpg, .jpeg or .png in "
              + root.resolve(imagesRel)
              + " (that folder holds "
              + images.size()
              + " image file"
              + (images.size() == 1 ? "" : "s")
              + ").");
    }
    return rows;
  }

  private static List<Row> verify(Path root, List<Row> rows, Tallies t, int threads)
      throws DatasetException {
    if (rows.isEmpty()) {
      return rows;
    }
    String[] problems = new String[rows.size()];
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      int chunk = Math.max(1, (rows.size() + threads * 4 - 1) / (threads * 4));
      for (int from = 0; from < rows.size(); from += chunk) {
        int lo = from;
        int hi = Math.min(rows.size(), from + chunk);
        futures.add(
            pool.submit(
                () -> {
                  for (int i = lo; i < hi; i++) {
                    problems[i] = probe(root, rows.get(i).image);
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DatasetException("Image verification was interrupted.", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("image verification failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
    List<Row> ok = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      if (problems[i] == null) {
        ok.add(rows.get(i));
      } else {
        t.bad(BadRowReason.UNDECODABLE_IMAGE, rows.get(i).where + ": " + problems[i]);
      }
    }
    return ok;
  }

  /** Null when the header decodes, else a one-line reason. */
  private static String probe(Path root, String image) {
    try {
      ImageDecoder.probe(Files.readAllBytes(root.resolve(image)), image);
      return null;
    } catch (ImageDecodeException e) {
      return e.getMessage();
    } catch (IOException e) {
      return image + ": " + e;
    }
  }

  private static String abbreviate(String s) {
    String oneLine = s.replace("\t", "\\t");
    return oneLine.length() <= 80 ? oneLine : oneLine.substring(0, 77) + "...";
  }

  /** Counts and first examples per reason; single-threaded. */
  private static final class Tallies {
    private final int maxExamples;
    private final Map<BadRowReason, int[]> badCounts = new EnumMap<>(BadRowReason.class);
    private final Map<BadRowReason, List<String>> badExamples = new EnumMap<>(BadRowReason.class);
    private final Map<DataNote, int[]> noteCounts = new EnumMap<>(DataNote.class);
    private final Map<DataNote, List<String>> noteExamples = new EnumMap<>(DataNote.class);

    Tallies(int maxExamples) {
      this.maxExamples = maxExamples;
    }

    void bad(BadRowReason r, String example) {
      add(badCounts, badExamples, r, example);
    }

    void note(DataNote n, String example) {
      add(noteCounts, noteExamples, n, example);
    }

    private <E> void add(Map<E, int[]> counts, Map<E, List<String>> ex, E key, String example) {
      counts.computeIfAbsent(key, k -> new int[1])[0]++;
      List<String> list = ex.computeIfAbsent(key, k -> new ArrayList<>());
      if (list.size() < maxExamples) {
        list.add(example);
      }
    }

    Map<BadRowReason, DataReport.Tally> bad() {
      Map<BadRowReason, DataReport.Tally> m = new EnumMap<>(BadRowReason.class);
      badCounts.forEach((k, v) -> m.put(k, new DataReport.Tally(v[0], badExamples.get(k))));
      return m;
    }

    Map<DataNote, DataReport.Tally> notes() {
      Map<DataNote, DataReport.Tally> m = new EnumMap<>(DataNote.class);
      noteCounts.forEach((k, v) -> m.put(k, new DataReport.Tally(v[0], noteExamples.get(k))));
      return m;
    }
  }
}
