package org.medclip.clip.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A model bundle: one directory holding everything needed to embed images and texts with one model.
 *
 * <pre>
 * clip-model.json     {@link ModelSpec}: sizes, normalisation, tokens, provenance, metrics
 * image-encoder.onnx  pixel_values f32 [N,3,S,S] -&gt; image_embeds f32 [N,D], L2-normalised
 * text-encoder.onnx   input_ids i64 [N,L], L &lt;= context -&gt; text_embeds f32 [N,D], L2-normalised
 * tokenizer.json      Hugging Face tokenizers format (tokenizer.json of the tokenizers library)
 * </pre>
 *
 * <p>{@link #load(Path)} checks the files and the spec; graph-level checks (input and output names,
 * shapes) happen when {@code ClipEncoder} opens the ONNX sessions. Instances are immutable.
 *
 * @param directory the bundle directory (absolute, normalised)
 * @param spec the parsed {@code clip-model.json}
 */
public record ModelBundle(Path directory, ModelSpec spec) {

  /** The spec file name. */
  public static final String SPEC_FILE = "clip-model.json";

  /** The image encoder graph file name. */
  public static final String IMAGE_ENCODER_FILE = "image-encoder.onnx";

  /** The text encoder graph file name. */
  public static final String TEXT_ENCODER_FILE = "text-encoder.onnx";

  /** The tokenizer file name. */
  public static final String TOKENIZER_FILE = "tokenizer.json";

  /** All files a bundle must have, in the order they are reported when missing. */
  public static final List<String> REQUIRED_FILES =
      List.of(SPEC_FILE, IMAGE_ENCODER_FILE, TEXT_ENCODER_FILE, TOKENIZER_FILE);

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The image encoder graph. */
  public Path imageEncoder() {
    return directory.resolve(IMAGE_ENCODER_FILE);
  }

  /** The text encoder graph. */
  public Path textEncoder() {
    return directory.resolve(TEXT_ENCODER_FILE);
  }

  /** The tokenizer. */
  public Path tokenizer() {
    return directory.resolve(TOKENIZER_FILE);
  }

  /**
   * Opens and validates a bundle directory.
   *
   * <p>Checks: the directory exists; all four files exist and are regular, non-empty files (all
   * missing ones are named in one message); {@code clip-model.json} has a known {@code
   * format_version} and passes {@link ModelSpec}'s consistency checks; {@code tokenizer.json} is
   * JSON whose token ids all fit the text vocabulary and which knows the bos and eos ids.
   *
   * @param dir the bundle directory
   * @return the bundle
   * @throws InvalidBundleException when the bundle is incomplete or inconsistent
   * @throws IOException when a file cannot be read
   */
  public static ModelBundle load(Path dir) throws IOException {
    Path directory = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(directory)) {
      throw new InvalidBundleException(
          directory, "model bundle directory " + directory + " does not exist");
    }
    List<String> missing = new ArrayList<>();
    for (String file : REQUIRED_FILES) {
      Path p = directory.resolve(file);
      if (!Files.isRegularFile(p) || Files.size(p) == 0) {
        missing.add(file);
      }
    }
    if (!missing.isEmpty()) {
      throw new InvalidBundleException(
          directory,
          "model bundle "
              + directory
              + " is missing "
              + String.join(", ", missing)
              + " (a bundle needs "
              + String.join(", ", REQUIRED_FILES)
              + ")");
    }
    ModelSpec spec = readSpec(directory, directory.resolve(SPEC_FILE));
    checkTokenizer(directory, spec);
    return new ModelBundle(directory, spec);
  }

  /**
   * Writes {@code clip-model.json} into a directory that already holds the two ONNX graphs and the
   * tokenizer (the training side's last export step), then validates the complete bundle. The spec
   * file is written to a temporary name and moved into place, so readers never see half a file.
   *
   * @param dir the bundle directory
   * @param spec the spec to write (already self-consistent by construction)
   * @return the validated bundle
   * @throws InvalidBundleException when the written bundle does not validate
   * @throws IOException when writing fails
   */
  public static ModelBundle write(Path dir, ModelSpec spec) throws IOException {
    Files.createDirectories(dir);
    writeSpec(dir.resolve(SPEC_FILE), spec);
    return load(dir);
  }

  /**
   * Writes a spec as JSON to any path (atomically where the file system allows).
   *
   * @param file target file
   * @param spec the spec
   * @throws IOException when writing fails
   */
  public static void writeSpec(Path file, ModelSpec spec) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    JSON.writeValue(tmp.toFile(), spec);
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The spec as the JSON text that {@link #write} stores. */
  public static String toJson(ModelSpec spec) {
    try {
      return JSON.writeValueAsString(spec);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + spec, e);
    }
  }

  /**
   * Reads and validates a {@code clip-model.json}.
   *
   * @param directory the bundle directory (for messages)
   * @param file the spec file
   * @return the spec
   * @throws InvalidBundleException when the file is malformed, of an unknown format version or
   *     inconsistent
   * @throws IOException when the file cannot be read
   */
  public static ModelSpec readSpec(Path directory, Path file) throws IOException {
    JsonNode tree;
    try (InputStream in = Files.newInputStream(file)) {
      tree = JSON.readTree(in);
    } catch (JsonProcessingException e) {
      throw new InvalidBundleException(
          directory, file.getFileName() + " in " + directory + " is not valid JSON: " + e, e);
    }
    if (tree == null || !tree.isObject()) {
      throw new InvalidBundleException(
          directory, file.getFileName() + " in " + directory + " is not a JSON object");
    }
    JsonNode version = tree.get("format_version");
    if (version == null || !version.canConvertToInt()) {
      throw new InvalidBundleException(
          directory, file.getFileName() + " in " + directory + " has no integer format_version");
    }
    if (version.asInt() != ModelSpec.FORMAT_VERSION) {
      throw new InvalidBundleException(
          directory,
          file.getFileName()
              + " in "
              + directory
              + " has format_version "
              + version.asInt()
              + ", this build reads only "
              + ModelSpec.FORMAT_VERSION);
    }
    try {
      return JSON.treeToValue(tree, ModelSpec.class);
    } catch (JsonProcessingException e) {
      throw new InvalidBundleException(
          directory, file.getFileName() + " in " + directory + " is invalid: " + rootMessage(e), e);
    }
  }

  private static void checkTokenizer(Path directory, ModelSpec spec) throws IOException {
    Path file = directory.resolve(TOKENIZER_FILE);
    JsonNode tree;
    try (InputStream in = Files.newInputStream(file)) {
      tree = JSON.readTree(in);
    } catch (JsonProcessingException e) {
      throw new InvalidBundleException(
          directory, TOKENIZER_FILE + " in " + directory + " is not valid JSON: " + e, e);
    }
    JsonNode model = tree == null ? null : tree.get("model");
    if (model == null || !model.isObject()) {
      throw new InvalidBundleException(
          directory, TOKENIZER_FILE + " in " + directory + " has no \"model\" object");
    }
    int vocabSize = spec.config().text().vocabSize();
    long maxId = -1;
    boolean hasBos = false;
    boolean hasEos = false;
    List<Long> ids = new ArrayList<>();
    JsonNode vocab = model.get("vocab");
    if (vocab != null && vocab.isObject()) {
      // BPE, WordLevel, WordPiece: token -> id
      for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
        ids.add(it.next().getValue().asLong());
      }
    } else if (vocab != null && vocab.isArray()) {
      // Unigram: [[piece, score], ...], ids are positions
      for (int i = 0; i < vocab.size(); i++) {
        ids.add((long) i);
      }
    }
    JsonNode added = tree.get("added_tokens");
    if (added != null && added.isArray()) {
      for (JsonNode t : added) {
        ids.add(t.path("id").asLong(-1));
      }
    }
    for (long id : ids) {
      maxId = Math.max(maxId, id);
      hasBos |= id == spec.specialTokens().bos();
      hasEos |= id == spec.specialTokens().eos();
    }
    if (maxId >= vocabSize) {
      throw new InvalidBundleException(
          directory,
          TOKENIZER_FILE
              + " in "
              + directory
              + " has token id "
              + maxId
              + " but the text encoder's vocab_size is "
              + vocabSize);
    }
    if (!hasBos || !hasEos) {
      throw new InvalidBundleException(
          directory,
          TOKENIZER_FILE
              + " in "
              + directory
              + " has no token with the "
              + (hasBos
                  ? "eos id " + spec.specialTokens().eos()
                  : "bos id " + spec.specialTokens().bos())
              + " of "
              + SPEC_FILE);
    }
  }

  private static String rootMessage(JsonProcessingException e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == e ? e.getOriginalMessage() : t.getMessage();
  }
}
