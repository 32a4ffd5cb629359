package org.medclip.clip.corpus;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The split decided once and reused by every later command, as a UTF-8 TSV file.
 *
 * <p>Format: a header line {@value #HEADER_TEXT} (tab-separated), then one line per image: {@code
 * id TAB split TAB image TAB caption}, where split is {@link Split#label()}, image the path
 * relative to the dataset root with '/' separators, and caption empty for {@link Split#UNLABELLED}.
 * In the caption, backslash, tab, LF and CR are written as {@code \\}, {@code \t}, {@code \n},
 * {@code \r}; no other escapes exist. Lines end in LF. Rows keep the order given to {@link #write}.
 */
public final class SplitManifest {

  /** Default file name, written at the dataset root unless another path is given. */
  public static final String DEFAULT_FILE_NAME = "split-manifest.tsv";

  static final String HEADER_TEXT = "id split image caption";
  private static final String HEADER = String.join("\t", HEADER_TEXT.split(" "));

  private SplitManifest() {}

  /**
   * Writes {@code records} to {@code file} atomically (a temporary file in the same folder, then a
   * rename), so a reader never sees half a manifest.
   */
  public static void write(Path file, List<ImageRecord> records) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        w.write(HEADER);
        w.write('\n');
        for (ImageRecord r : records) {
          w.write(r.id());
          w.write('\t');
          w.write(r.split().label());
          w.write('\t');
          w.write(r.image());
          w.write('\t');
          if (r.caption() != null) {
            w.write(escape(r.caption()));
          }
          w.write('\n');
        }
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Reads a manifest written by {@link #write}.
   *
   * @throws DatasetException when the file is missing, not UTF-8, has another header, a line
   *     without four columns, an unknown split, an invalid id or image path, or a repeated id; the
   *     message names the line
   */
  public static List<ImageRecord> read(Path file) throws DatasetException {
    if (!Files.isRegularFile(file)) {
      throw new DatasetException("Split manifest " + file + " does not exist.");
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (CharacterCodingException e) {
      throw new DatasetException("Split manifest " + file + " is not valid UTF-8.", e);
    } catch (IOException e) {
      throw new DatasetException("Split manifest " + file + " cannot be read: " + e + ".", e);
    }
    if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
      throw new DatasetException(
          "Split manifest "
              + file
              + " does not start with the header line 'id<TAB>split<TAB>image<TAB>caption'.");
    }
    List<ImageRecord> out = new ArrayList<>(lines.size() - 1);
    Set<String> ids = new HashSet<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      String where = "Split manifest " + file + " line " + (i + 1);
      String[] f = line.split("\t", -1);
      if (f.length != 4) {
        throw new DatasetException(where + " has " + f.length + " columns instead of 4.");
      }
      try {
        Split split = Split.parse(f[1]);
        String caption = split.captioned() ? unescape(f[3]) : null;
        if (!split.captioned() && !f[3].isEmpty()) {
          throw new IllegalArgumentException("an unlabelled image has a caption");
        }
        if (f[2].contains("..")) {
          throw new IllegalArgumentException("image path leaves the dataset root: " + f[2]);
        }
        ImageRecord r = new ImageRecord(f[0], split, f[2], caption);
        if (!ids.add(r.id())) {
          throw new IllegalArgumentException("id '" + r.id() + "' is listed twice");
        }
        out.add(r);
      } catch (IllegalArgumentException e) {
        throw new DatasetException(where + " is invalid: " + e.getMessage() + ".", e);
      }
    }
    return out;
  }

  /**
   * The manifest at {@code manifest} if it exists; otherwise reads the dataset under {@code root}
   * with {@code options}, writes the manifest and returns its records. Use this in every command so
   * that all of them see the same split.
   */
  public static List<ImageRecord> loadOrCreate(
      Path root, Path manifest, ImageClefDataset.Options options) throws DatasetException {
    if (Files.exists(manifest)) {
      return read(manifest);
    }
    ImageClefDataset ds = ImageClefDataset.load(root, options);
    try {
      write(manifest, ds.records());
    } catch (IOException e) {
      throw new DatasetException(
          "Split manifest " + manifest + " cannot be written: " + e + ".", e);
    }
    return ds.records();
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '\t' -> sb.append("\\t");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (i + 1 >= s.length()) {
        throw new IllegalArgumentException("caption ends in a lone backslash");
      }
      char n = s.charAt(++i);
      switch (n) {
        case '\\' -> sb.append('\\');
        case 't' -> sb.append('\t');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        default -> throw new IllegalArgumentException("unknown escape \\" + n + " in caption");
      }
    }
    return sb.toString();
  }
}
