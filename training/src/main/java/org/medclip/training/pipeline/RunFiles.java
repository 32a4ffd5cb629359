package org.medclip.training.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.medclip.clip.ClipConfig;

/**
 * The layout of a {@code finetune} run folder:
 *
 * <pre>
 * run.json                     config, architecture, start model, version (written once)
 * tokenizer.json               the tokenizer the run trains with
 * checkpoints/epoch-N.ckpt     weights + AdamW state after epoch N
 * checkpoints/epoch-N.json     {epoch, step, sampler_state, history}: written AFTER the .ckpt,
 *                              so its presence marks a complete checkpoint
 * history.json                 per-epoch metrics so far
 * baseline.json                evaluation of the start model (test split)
 * bundle/                      the final model bundle (+ weights.safetensors)
 * report.json, report.md       evaluation of the bundle, baseline and history
 * loss.png, heatmap.png, baseline-heatmap.png
 * </pre>
 */
public final class RunFiles {
  /** Run description file. */
  public static final String RUN_FILE = "run.json";

  /** Tokenizer of the run. */
  public static final String TOKENIZER_FILE = "tokenizer.json";

  /** Checkpoint folder. */
  public static final String CHECKPOINTS = "checkpoints";

  private static final Pattern STATE = Pattern.compile("epoch-(\\d+)\\.json");

  private RunFiles() {}

  /** Checkpoint of epoch {@code n}. */
  public static Path checkpoint(Path run, int n) {
    return run.resolve(CHECKPOINTS).resolve("epoch-" + n + ".ckpt");
  }

  /** State of epoch {@code n}. */
  public static Path state(Path run, int n) {
    return run.resolve(CHECKPOINTS).resolve("epoch-" + n + ".json");
  }

  /** The last epoch with both a state file and a checkpoint, if any. */
  public static OptionalInt lastCompleteEpoch(Path run) throws IOException {
    Path dir = run.resolve(CHECKPOINTS);
    if (!Files.isDirectory(dir)) {
      return OptionalInt.empty();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> STATE.matcher(p.getFileName().toString()))
          .filter(Matcher::matches)
          .mapToInt(m -> Integer.parseInt(m.group(1)))
          .filter(n -> Files.isRegularFile(checkpoint(run, n)))
          .max();
    }
  }

  /**
   * The saved state of one epoch.
   *
   * @param epoch the epoch completed
   * @param step optimizer steps applied
   * @param samplerState sampler state at the start of the next epoch
   * @param history metrics of epochs 1..epoch
   */
  public record State(int epoch, long step, long samplerState, List<EpochMetrics> history) {

    /** Writes atomically (temporary file + move). */
    public void write(Path file) throws IOException {
      ObjectNode o = EvaluationReport.JSON.createObjectNode();
      o.put("epoch", epoch);
      o.put("step", step);
      o.put("sampler_state", samplerState);
      ArrayNode h = o.putArray("history");
      history.forEach(m -> h.add(m.toJson()));
      writeJsonAtomically(file, o);
    }

    /** Reads {@link #write}. */
    public static State read(Path file) throws IOException {
      JsonNode o = EvaluationReport.JSON.readTree(file.toFile());
      List<EpochMetrics> history = new ArrayList<>();
      o.path("history").forEach(n -> history.add(EpochMetrics.fromJson(n)));
      return new State(
          o.path("epoch").asInt(),
          o.path("step").asLong(),
          o.path("sampler_state").asLong(),
          history);
    }
  }

  /** Writes JSON to a temporary sibling and moves it into place. */
  public static void writeJsonAtomically(Path file, JsonNode node) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    // A sibling name (not createTempFile, whose mode is 0600): the result keeps the umask's mode.
    Path tmp = dir.resolve("." + file.getFileName() + ".tmp-" + java.util.UUID.randomUUID());
    try {
      EvaluationReport.JSON.writeValue(tmp.toFile(), node);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The architecture recorded in a run.json. */
  public static ClipConfig readClipConfig(Path runJson) throws UserInputException {
    JsonNode root = StartModel.readJson(runJson);
    try {
      return EvaluationReport.JSON.treeToValue(root.get("clip_config"), ClipConfig.class);
    } catch (IOException | RuntimeException e) {
      throw new UserInputException(
          "The run file " + runJson + " has no valid clip_config: " + StartModel.oneLine(e) + ".",
          e);
    }
  }
}
