package org.medclip.training.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * {@code semantics.tsv} at the root of a synthetic corpus: {@code id<TAB>meaning} per captioned
 * image, where {@code meaning} is a canonical description of the attributes the caption states
 * (modality, anatomy, finding, side, level, size class, vertebra, arrow; chart kind, series, trend,
 * error bars; shapes, colour, count, size, position, background). Two captions with the same
 * meaning describe images that no model can tell apart, however they are worded. Real corpora have
 * no such file; evaluation then reports no ceiling.
 */
public final class Semantics {
  /** File name at the corpus root. */
  public static final String FILE = "semantics.tsv";

  private Semantics() {}

  /** Meaning by image id; empty when the corpus has no {@value #FILE}. */
  public static Map<String, String> read(Path corpusRoot) {
    Path file = corpusRoot.resolve(FILE);
    Map<String, String> out = new LinkedHashMap<>();
    if (!Files.isRegularFile(file)) {
      return out;
    }
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        int tab = line.indexOf('\t');
        if (tab > 0) {
          out.put(line.substring(0, tab), line.substring(tab + 1));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return out;
  }

  /**
   * Writes {@code id<TAB>meaning} lines for generated images {@code 0 .. count - 1} (atomically:
   * temp file, then rename).
   */
  public static void write(
      Path corpusRoot, long count, LongFunction<String> id, LongFunction<String> meaning)
      throws IOException {
    StringBuilder sb = new StringBuilder();
    for (long i = 0; i < count; i++) {
      sb.append(id.apply(i)).append('\t').append(meaning.apply(i)).append('\n');
    }
    Path tmp = corpusRoot.resolve(FILE + ".tmp");
    Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
    Files.move(
        tmp,
        corpusRoot.resolve(FILE),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
