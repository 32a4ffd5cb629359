package org.medclip.clip.corpus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What reading a dataset found: usable images per split, rows left out by reason (with up to a
 * fixed number of examples each) and harmless irregularities. Immutable.
 *
 * @param root the dataset root as given
 * @param seed seed of the TRAIN/VALIDATION split
 * @param validationFraction fraction of the usable original training images put in VALIDATION
 * @param imagesVerified whether every image header was decoded ({@code --verify-images})
 * @param counts usable images per split; every split present, 0 when none
 * @param badRows rows left out, only reasons that occurred, in enum order
 * @param notes irregularities that were accepted, only those that occurred, in enum order
 */
public record DataReport(
    String root,
    long seed,
    double validationFraction,
    boolean imagesVerified,
    Map<Split, Integer> counts,
    Map<BadRowReason, Tally> badRows,
    Map<DataNote, Tally> notes) {

  /**
   * A count with the first few examples.
   *
   * @param count how many times it occurred
   * @param examples at most the report's example limit of {@code file:line: detail} strings, in the
   *     order found
   */
  public record Tally(int count, List<String> examples) {
    /** Copies the examples. */
    public Tally {
      examples = List.copyOf(examples);
    }
  }

  /** Copies the maps into unmodifiable enum-ordered maps. */
  public DataReport {
    Objects.requireNonNull(root, "root");
    EnumMap<Split, Integer> c = new EnumMap<>(Split.class);
    for (Split s : Split.values()) {
      c.put(s, counts.getOrDefault(s, 0));
    }
    counts = Collections.unmodifiableMap(c);
    badRows = Collections.unmodifiableMap(copy(badRows, BadRowReason.class));
    notes = Collections.unmodifiableMap(copy(notes, DataNote.class));
  }

  private static <E extends Enum<E>> EnumMap<E, Tally> copy(Map<E, Tally> in, Class<E> type) {
    EnumMap<E, Tally> out = new EnumMap<>(type);
    in.forEach(
        (k, v) -> {
          if (v.count() > 0) {
            out.put(k, v);
          }
        });
    return out;
  }

  /** Usable images in {@code split}. */
  public int count(Split split) {
    return counts.get(split);
  }

  /** Rows left out for {@code reason} (0 when none). */
  public int badRowCount(BadRowReason reason) {
    Tally t = badRows.get(reason);
    return t == null ? 0 : t.count();
  }

  /** Rows left out, all reasons. */
  public int totalBadRows() {
    return badRows.values().stream().mapToInt(Tally::count).sum();
  }

  /** Occurrences of {@code note} (0 when none). */
  public int noteCount(DataNote note) {
    Tally t = notes.get(note);
    return t == null ? 0 : t.count();
  }

  /** Usable images, all splits. */
  public int totalImages() {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** The report as a Markdown document (title, split table, bad rows with examples, notes). */
  public String toMarkdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("# Dataset report\n\n");
    sb.append("- Root: `").append(root).append("`\n");
    sb.append("- Split seed: ").append(seed);
    sb.append(", validation fraction of the original training set: ")
        .append(validationFraction)
        .append('\n');
    sb.append("- Images verified: ").append(imagesVerified ? "yes" : "no (file existence only)");
    sb.append("\n\n## Images per split\n\n| split | images |\n|---|---:|\n");
    counts.forEach(
        (s, n) -> sb.append("| ").append(s.label()).append(" | ").append(n).append(" |\n"));
    sb.append("| **total** | **").append(totalImages()).append("** |\n\n");
    sb.append("## Bad rows (left out)\n\n");
    if (badRows.isEmpty()) {
      sb.append("None.\n");
    } else {
      sb.append("| reason | rows | meaning |\n|---|---:|---|\n");
      badRows.forEach(
          (r, t) ->
              sb.append("| ")
                  .append(r.key())
                  .append(" | ")
                  .append(t.count())
                  .append(" | ")
                  .append(r.description())
                  .append(" |\n"));
      badRows.forEach((r, t) -> appendExamples(sb, r.key(), t));
    }
    sb.append("\n## Notes (accepted)\n\n");
    if (notes.isEmpty()) {
      sb.append("None.\n");
    } else {
      notes.forEach(
          (n, t) ->
              sb.append("- ")
                  .append(n.key())
                  .append(": ")
                  .append(t.count())
                  .append(" — ")
                  .append(n.description())
                  .append('\n'));
      notes.forEach((n, t) -> appendExamples(sb, n.key(), t));
    }
    return sb.toString();
  }

  private static void appendExamples(StringBuilder sb, String key, Tally t) {
    if (t.examples().isEmpty()) {
      return;
    }
    sb.append("\n### ").append(key).append(" (first ").append(t.examples().size()).append(")\n\n");
    for (String e : t.examples()) {
      sb.append("- `").append(e.replace("`", "'")).append("`\n");
    }
  }

  /** The report as a JSON tree: keys are {@link Split#label()}, {@link BadRowReason#key()}. */
  public ObjectNode toJsonTree() {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("root", this.root);
    root.put("seed", seed);
    root.put("validation_fraction", validationFraction);
    root.put("images_verified", imagesVerified);
    ObjectNode c = root.putObject("counts");
    counts.forEach((s, n) -> c.put(s.label(), n));
    root.put("total_images", totalImages());
    root.put("total_bad_rows", totalBadRows());
    ObjectNode b = root.putObject("bad_rows");
    badRows.forEach((r, t) -> put(b.putObject(r.key()), t, r.description()));
    ObjectNode n = root.putObject("notes");
    notes.forEach((k, t) -> put(n.putObject(k.key()), t, k.description()));
    return root;
  }

  private static void put(ObjectNode node, Tally t, String description) {
    node.put("count", t.count());
    node.put("description", description);
    ArrayNode ex = node.putArray("examples");
    t.examples().forEach(ex::add);
  }

  /** The report as indented JSON. */
  public String toJson() {
    try {
      return new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(toJsonTree());
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
