package org.medclip.training.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.medclip.clip.ClipConfig;
import org.medclip.clip.bundle.ModelBundle;
import org.medclip.clip.bundle.ModelSpec;
import org.medclip.clip.corpus.ImageRecord;
import org.medclip.clip.corpus.Split;
import org.medclip.clip.text.TokenizerBuilder;
import org.medclip.training.hf.HfCheckpoint;
import org.medclip.training.hf.Safetensors;
import org.medclip.training.train.Checkpoint;
import org.medclip.training.weights.StateDict;

/**
 * Where fine-tuning starts: the architecture, the weights (null: a fresh seeded initialisation),
 * the tokenizer and the image normalisation.
 *
 * <p>A from-scratch vocabulary can include the train captions of a second dataset ({@code
 * vocab_extra_data}): the demo's general-domain base model needs the medical words in its
 * vocabulary, as OpenAI's BPE has them, or fine-tuning could only map them to {@code [UNK]}.
 *
 * <p>Accepted sources ({@link #resolve}):
 *
 * <ul>
 *   <li>a model bundle made by this project: a directory with {@code clip-model.json} AND {@value
 *       #BUNDLE_WEIGHTS_FILE} (ONNX graphs cannot be trained, so {@code finetune} writes the
 *       training weights next to the bundle's files);
 *   <li>an HF CLIP directory: {@code config.json} + {@code model.safetensors} (or a sharded index)
 *       + {@code tokenizer.json};
 *   <li>a training checkpoint {@code <run>/checkpoints/epoch-N.ckpt} of a {@code finetune} run: its
 *       weights (the optimizer state is not carried over: this is a new run), the architecture from
 *       {@code <run>/run.json} and the tokenizer {@code <run>/tokenizer.json};
 *   <li>{@link #fromScratch}: a new model of a named architecture with a word-level vocabulary
 *       built from the train captions.
 * </ul>
 *
 * @param config architecture
 * @param weights start weights, or null for {@code ClipModel}'s seeded initialisation
 * @param tokenizerJson the tokenizer file
 * @param imageMean RGB mean
 * @param imageStd RGB std
 * @param description for provenance and reports
 */
public record StartModel(
    ClipConfig config,
    StateDict weights,
    Path tokenizerJson,
    float[] imageMean,
    float[] imageStd,
    String description) {

  /** The training weights a bundle made by {@code finetune} carries next to its ONNX graphs. */
  public static final String BUNDLE_WEIGHTS_FILE = "weights.safetensors";

  /**
   * Loads a bundle, an HF directory or a checkpoint (detected from what {@code from} holds).
   *
   * @throws UserInputException one sentence: missing path, bundle without weights, HF directory
   *     without safetensors or tokenizer, unreadable checkpoint, unknown kind of directory
   */
  public static StartModel resolve(Path from) throws UserInputException {
    if (!Files.exists(from)) {
      throw new UserInputException("The start model " + from + " does not exist.");
    }
    if (Files.isRegularFile(from)) {
      if (!from.getFileName().toString().endsWith(".ckpt")) {
        throw new UserInputException(
            "The start model "
                + from
                + " is a file but not a training checkpoint (<run>/checkpoints/epoch-N.ckpt); a"
                + " bundle or an HF CLIP model is given as its directory.");
      }
      return fromCheckpoint(from);
    }
    if (Files.isRegularFile(from.resolve(ModelBundle.SPEC_FILE))) {
      return fromBundle(from);
    }
    if (Files.isRegularFile(from.resolve(HfCheckpoint.CONFIG_FILE))) {
      return fromHf(from);
    }
    throw new UserInputException(
        "The start model "
            + from
            + " is neither a model bundle (clip-model.json), an HF CLIP directory (config.json)"
            + " nor a checkpoint file.");
  }

  /** A bundle with {@value #BUNDLE_WEIGHTS_FILE}. */
  public static StartModel fromBundle(Path dir) throws UserInputException {
    ModelBundle bundle;
    try {
      bundle = ModelBundle.load(dir);
    } catch (IOException e) {
      throw new UserInputException(
          "The model bundle " + dir + " cannot be used: " + oneLine(e) + ".", e);
    }
    Path weightsFile = dir.resolve(BUNDLE_WEIGHTS_FILE);
    if (!Files.isRegularFile(weightsFile)) {
      throw new UserInputException(
          "The model bundle "
              + dir
              + " has no "
              + BUNDLE_WEIGHTS_FILE
              + " (ONNX graphs cannot be trained); start from the run or HF directory it was"
              + " made from.");
    }
    ModelSpec spec = bundle.spec();
    StateDict weights = readSafetensors(weightsFile);
    checkWeights(spec.config(), weights, weightsFile);
    return new StartModel(
        spec.config(),
        weights,
        bundle.tokenizer(),
        spec.imageMean(),
        spec.imageStd(),
        "bundle " + dir + " (" + spec.name() + " " + spec.version() + ")");
  }

  /** An HF CLIP directory. */
  public static StartModel fromHf(Path dir) throws UserInputException {
    if (!Files.isRegularFile(dir.resolve(HfCheckpoint.WEIGHTS_FILE))
        && !Files.isRegularFile(dir.resolve(HfCheckpoint.WEIGHTS_INDEX_FILE))) {
      throw new UserInputException(
          "The HF directory "
              + dir
              + " has no model.safetensors; convert its weights to safetensors first"
              + " (save_pretrained(d, safe_serialization=True)).");
    }
    Path tokenizer = dir.resolve(ModelBundle.TOKENIZER_FILE);
    if (!Files.isRegularFile(tokenizer)) {
      throw new UserInputException(
          "The HF directory " + dir + " has no tokenizer.json (save the tokenizer there too).");
    }
    HfCheckpoint.Imported imported;
    try {
      imported = HfCheckpoint.load(dir);
    } catch (IOException e) {
      throw new UserInputException(
          "The HF directory " + dir + " cannot be imported: " + oneLine(e) + ".", e);
    }
    return new StartModel(
        imported.config(),
        imported.weights(),
        tokenizer,
        ModelSpec.CLIP_MEAN.clone(),
        ModelSpec.CLIP_STD.clone(),
        "HF " + dir);
  }

  /** A checkpoint of a {@code finetune} run (weights only). */
  public static StartModel fromCheckpoint(Path file) throws UserInputException {
    Path runDir = file.toAbsolutePath().getParent().getParent();
    Path runJson = runDir.resolve(RunFiles.RUN_FILE);
    Path tokenizer = runDir.resolve(ModelBundle.TOKENIZER_FILE);
    if (!Files.isRegularFile(runJson) || !Files.isRegularFile(tokenizer)) {
      throw new UserInputException(
          "The checkpoint "
              + file
              + " is not inside a finetune run folder (expected <run>/checkpoints/epoch-N.ckpt"
              + " with <run>/run.json and <run>/tokenizer.json).");
    }
    ClipConfig config = RunFiles.readClipConfig(runJson);
    Checkpoint ckpt;
    try {
      ckpt = Checkpoint.load(file);
    } catch (IOException | RuntimeException e) {
      throw new UserInputException(
          "The checkpoint " + file + " cannot be read: " + oneLine(e) + ".", e);
    }
    checkWeights(config, ckpt.weights(), file);
    return new StartModel(
        config,
        ckpt.weights(),
        tokenizer,
        ModelSpec.CLIP_MEAN.clone(),
        ModelSpec.CLIP_STD.clone(),
        "checkpoint " + file);
  }

  /**
   * A new model: builds the vocabulary from the TRAIN captions, writes it to {@code tokenizerOut},
   * and sizes the named architecture's text tower to it.
   *
   * @param model demo, tiny or vit-b32
   */
  public static StartModel fromScratch(
      String model, Corpus corpus, TrainingConfig config, Path tokenizerOut)
      throws UserInputException {
    List<String> captions = new ArrayList<>();
    for (ImageRecord r : corpus.require(Split.TRAIN)) {
      captions.add(r.caption());
    }
    if (!config.vocabExtraData().isBlank()) {
      // Only captions: the model never sees these images before fine-tuning on them.
      Corpus extra = Corpus.open(Path.of(config.vocabExtraData()), null, config.splitSeed());
      for (ImageRecord r : extra.require(Split.TRAIN)) {
        captions.add(r.caption());
      }
    }
    TokenizerBuilder.Vocabulary vocab;
    try {
      Files.createDirectories(tokenizerOut.toAbsolutePath().getParent());
      vocab =
          new TokenizerBuilder()
              .minFrequency(config.vocabMinFrequency())
              .maxVocabSize(config.vocabMaxSize())
              .write(captions, tokenizerOut);
    } catch (IOException e) {
      throw new UserInputException(
          "The tokenizer cannot be written to " + tokenizerOut + ": " + oneLine(e) + ".", e);
    }
    ClipConfig arch;
    try {
      arch = resize(architecture(model, vocab.size()), config);
    } catch (IllegalArgumentException e) {
      throw new UserInputException(
          "The architecture overrides do not fit the " + model + " model: " + oneLine(e) + ".", e);
    }
    return new StartModel(
        arch,
        null,
        tokenizerOut,
        ModelSpec.CLIP_MEAN.clone(),
        ModelSpec.CLIP_STD.clone(),
        "scratch (" + model + ", seed " + config.seed() + ")");
  }

  /**
   * A named architecture with a word-level vocabulary of {@code vocabSize} ids ({@code [PAD]} = 0,
   * start and end tokens the two highest ids, as {@link TokenizerBuilder} writes them).
   */
  public static ClipConfig architecture(String model, int vocabSize) {
    ClipConfig base =
        switch (model) {
          case "demo" -> ClipConfig.demo(vocabSize);
          case "tiny" -> ClipConfig.tiny();
          case "vit-b32" -> ClipConfig.vitBasePatch32();
          default -> throw new IllegalArgumentException("unknown architecture " + model);
        };
    ClipConfig.TextConfig t = base.text();
    ClipConfig.TextConfig text =
        new ClipConfig.TextConfig(
            vocabSize,
            t.hiddenSize(),
            t.intermediateSize(),
            t.numLayers(),
            t.numHeads(),
            t.maxPositions(),
            t.hiddenAct(),
            t.layerNormEps(),
            vocabSize - 2,
            vocabSize - 1,
            0);
    return new ClipConfig(text, base.vision(), base.projectionDim(), base.logitScaleInit());
  }

  /**
   * {@code base} with the from-scratch size overrides of {@code config} ({@code hidden_size},
   * {@code num_layers}, {@code intermediate_size}, {@code image_size}, {@code patch_size}, {@code
   * context_length}; 0 keeps the base value). A new width applies to both towers and the
   * projection, with an MLP of {@code intermediate_size} (4x the new width when that is 0) and
   * heads of width 32 (or the base's head count when it divides the width).
   *
   * @throws IllegalArgumentException when the result is not a valid architecture
   */
  public static ClipConfig resize(ClipConfig base, TrainingConfig config) {
    int hidden = config.integer("hidden_size");
    int layers = config.integer("num_layers");
    int mlp = config.integer("intermediate_size");
    int image = config.integer("image_size");
    int patch = config.integer("patch_size");
    int context = config.integer("context_length");
    if (hidden == 0 && layers == 0 && mlp == 0 && image == 0 && patch == 0 && context == 0) {
      return base;
    }
    ClipConfig.TextConfig t = base.text();
    ClipConfig.VisionConfig v = base.vision();
    int th = hidden > 0 ? hidden : t.hiddenSize();
    int vh = hidden > 0 ? hidden : v.hiddenSize();
    ClipConfig.TextConfig text =
        new ClipConfig.TextConfig(
            t.vocabSize(),
            th,
            mlpWidth(mlp, hidden, t.intermediateSize()),
            layers > 0 ? layers : t.numLayers(),
            heads(th, t.numHeads()),
            context > 0 ? context : t.maxPositions(),
            t.hiddenAct(),
            t.layerNormEps(),
            t.bosTokenId(),
            t.eosTokenId(),
            t.padTokenId());
    ClipConfig.VisionConfig vision =
        new ClipConfig.VisionConfig(
            vh,
            mlpWidth(mlp, hidden, v.intermediateSize()),
            layers > 0 ? layers : v.numLayers(),
            heads(vh, v.numHeads()),
            image > 0 ? image : v.imageSize(),
            patch > 0 ? patch : v.patchSize(),
            v.numChannels(),
            v.hiddenAct(),
            v.layerNormEps());
    return new ClipConfig(
        text, vision, hidden > 0 ? hidden : base.projectionDim(), base.logitScaleInit());
  }

  /** The MLP width asked for, else 4x a new width, else the base's. */
  private static int mlpWidth(int mlp, int hidden, int baseMlp) {
    return mlp > 0 ? mlp : hidden > 0 ? 4 * hidden : baseMlp;
  }

  private static int heads(int width, int baseHeads) {
    return width % baseHeads == 0 ? baseHeads : Math.max(1, width / 32);
  }

  private static StateDict readSafetensors(Path file) throws UserInputException {
    try {
      return Safetensors.read(file);
    } catch (IOException | RuntimeException e) {
      throw new UserInputException(
          "The weights " + file + " cannot be read: " + oneLine(e) + ".", e);
    }
  }

  private static void checkWeights(ClipConfig config, StateDict weights, Path file)
      throws UserInputException {
    List<String> problems = org.medclip.training.hf.HfKeys.problems(config, weights);
    if (!problems.isEmpty()) {
      throw new UserInputException(
          "The weights in "
              + file
              + " do not match the model's architecture: "
              + String.join("; ", problems.subList(0, Math.min(3, problems.size())))
              + ".");
    }
  }

  static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    m = m.strip().replace('\n', ' ');
    return m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
  }

  /** Reads a JSON file or fails with one sentence. */
  static JsonNode readJson(Path file) throws UserInputException {
    try {
      return EvaluationReport.JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UserInputException("The file " + file + " cannot be read: " + oneLine(e) + ".", e);
    }
  }
}
