package org.medclip.training.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Properties;
import java.util.TreeMap;
import org.medclip.training.train.AdamW;
import org.medclip.training.train.ClipTrainer;
import org.medclip.training.train.LearningRateSchedule;

/**
 * Hyper-parameters and pipeline settings of a fine-tuning run. Defaults are the reference study's
 * best run: batch 64, AdamW (PyTorch defaults: betas 0.9/0.999, eps 1e-8, weight decay 0.01), lr
 * 5e-5, 10 epochs of 50,000 samples drawn uniformly with replacement from the train split, linear
 * decay to 0 without warm-up, no gradient clipping.
 *
 * <p>Sources, later wins: {@link #defaults()}, a config file ({@code .json}: one object; {@code
 * .properties}: key=value), then command-line overrides ({@link #set}). Keys are snake_case (see
 * {@link #KEYS}); an unknown key, a value of the wrong type or an impossible value (batch 0,
 * negative lr, ...) is a {@link UserInputException} with one sentence naming the key and its
 * source. The keys {@code description} and {@code comment} are free text, for labelling files.
 *
 * <p>Immutable; {@link #set} returns a copy.
 */
public final class TrainingConfig {

  /** Value types of keys. */
  enum Type {
    INT,
    DOUBLE,
    BOOL,
    STRING
  }

  /**
   * A known key.
   *
   * @param name snake_case name
   * @param type value type
   * @param defaultValue default (null: none)
   * @param help one line for the docs
   */
  record Key(String name, Type type, Object defaultValue, String help) {}

  /** Every key with its default, in documentation order. */
  public static final Map<String, Key> KEYS;

  static {
    int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
    Map<String, Key> k = new LinkedHashMap<>();
    add(k, "description", Type.STRING, "", "free text describing the run (ignored)");
    add(k, "comment", Type.STRING, "", "free text (ignored)");
    add(k, "name", Type.STRING, "medclip", "model name written into the bundle");
    add(k, "version", Type.STRING, "", "model version; empty = the run's UTC start time");
    add(k, "batch_size", Type.INT, 64, "pairs per training step (> 0)");
    add(k, "learning_rate", Type.DOUBLE, 5e-5, "peak learning rate (> 0)");
    add(k, "epochs", Type.INT, 10, "epochs (> 0)");
    add(k, "samples_per_epoch", Type.INT, 50_000, "samples per epoch, drawn with replacement");
    add(k, "schedule", Type.STRING, "linear", "linear (decay to 0), constant or cosine");
    add(k, "warmup_steps", Type.INT, 0, "linear warm-up steps (cosine only)");
    add(k, "final_learning_rate", Type.DOUBLE, 0.0, "learning rate at the end (cosine only)");
    add(k, "weight_decay", Type.DOUBLE, 0.01, "AdamW decoupled weight decay (>= 0)");
    add(k, "beta1", Type.DOUBLE, 0.9, "AdamW beta1 in [0, 1)");
    add(k, "beta2", Type.DOUBLE, 0.999, "AdamW beta2 in [0, 1)");
    add(k, "epsilon", Type.DOUBLE, 1e-8, "AdamW epsilon (> 0)");
    add(k, "max_grad_norm", Type.DOUBLE, 0.0, "global gradient-norm clip; 0 = off");
    add(
        k,
        "logit_scale",
        Type.DOUBLE,
        -1.0,
        "the learnable temperature's starting value, as HF's logit_scale (the log of the factor"
            + " on cosine similarities, at most ln 100 = 4.6052); negative = the start model's");
    add(k, "seed", Type.INT, 42, "seed of the sampler (and of a from-scratch initialisation)");
    add(k, "split_seed", Type.INT, 42, "seed of the 90:10 train/validation split");
    add(k, "model", Type.STRING, "demo", "architecture for --from-scratch: demo, tiny, vit-b32");
    add(k, "hidden_size", Type.INT, 0, "from scratch: width of both towers; 0 = the model's");
    add(k, "num_layers", Type.INT, 0, "from scratch: layers of both towers; 0 = the model's");
    add(
        k,
        "intermediate_size",
        Type.INT,
        0,
        "from scratch: width of both towers' MLPs; 0 = 4 x hidden_size when that is set, else the"
            + " model's");
    add(k, "image_size", Type.INT, 0, "from scratch: input side in pixels; 0 = the model's");
    add(k, "patch_size", Type.INT, 0, "from scratch: patch side in pixels; 0 = the model's");
    add(
        k,
        "context_length",
        Type.INT,
        0,
        "from scratch: text positions (start and end tokens included); 0 = the model's");
    add(k, "vocab_min_frequency", Type.INT, 1, "from scratch: words seen fewer times become [UNK]");
    add(
        k,
        "vocab_max_size",
        Type.INT,
        30_000,
        "from scratch: largest vocabulary, specials included");
    add(
        k,
        "vocab_extra_data",
        Type.STRING,
        "",
        "from scratch: another dataset folder whose train captions (not images) join the"
            + " vocabulary, so a base model can later be fine-tuned on that domain's words");
    add(k, "validation_batch_size", Type.INT, 64, "batch of the validation loss and accuracy");
    add(k, "max_validation_samples", Type.INT, 0, "cap on validation pairs per epoch; 0 = all");
    add(k, "eval_batch_size", Type.INT, 64, "in-batch size of the test evaluation (study: 64)");
    add(k, "evaluate_baseline", Type.BOOL, true, "evaluate the start model on test first");
    add(k, "evaluate_test", Type.BOOL, true, "evaluate the final bundle on test");
    add(k, "loader_threads", Type.INT, Math.max(1, cores - 1), "image decoding worker threads");
    add(k, "prefetch_batches", Type.INT, 4, "ready batches queued ahead; 0 = synchronous loading");
    add(k, "torch_threads", Type.INT, 0, "libtorch intra-op threads; 0 = libtorch's default");
    add(k, "progress_interval_seconds", Type.DOUBLE, 10.0, "plain progress line interval");
    KEYS = Collections.unmodifiableMap(k);
  }

  private static void add(Map<String, Key> k, String name, Type type, Object def, String help) {
    k.put(name, new Key(name, type, def, help));
  }

  private final Map<String, Object> values;

  private TrainingConfig(Map<String, Object> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** The study's best run. */
  public static TrainingConfig defaults() {
    Map<String, Object> v = new LinkedHashMap<>();
    KEYS.forEach((name, key) -> v.put(name, key.defaultValue()));
    return new TrainingConfig(v);
  }

  /**
   * Reads a config file over the defaults.
   *
   * @throws UserInputException when the file is missing, unparsable, has an unknown key or a bad
   *     value
   */
  public static TrainingConfig load(Path file) throws UserInputException {
    return defaults().merge(file);
  }

  /** This config with the keys of {@code file} set (JSON object or .properties). */
  public TrainingConfig merge(Path file) throws UserInputException {
    if (!Files.isRegularFile(file)) {
      throw new UserInputException("The config file " + file + " does not exist.");
    }
    String origin = "config file " + file;
    TrainingConfig out = this;
    String fileName = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (fileName.endsWith(".properties")) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(r);
      } catch (IOException | IllegalArgumentException e) {
        throw new UserInputException(
            "The config file " + file + " cannot be read as properties: " + e.getMessage() + ".",
            e);
      }
      for (String key : new TreeMap<>(p).keySet().stream().map(Object::toString).toList()) {
        out = out.set(key, p.getProperty(key).strip(), origin);
      }
      return out.validated(origin);
    }
    JsonNode root;
    try {
      root = EvaluationReport.JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UserInputException(
          "The config file "
              + file
              + " is not valid JSON: "
              + e.getMessage().lines().findFirst().orElse("")
              + ".",
          e);
    }
    if (root == null || !root.isObject()) {
      throw new UserInputException("The config file " + file + " must hold one JSON object.");
    }
    Iterator<Map.Entry<String, JsonNode>> it = root.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (v.isObject() || v.isArray()) {
        throw new UserInputException(
            "The key \"" + e.getKey() + "\" in " + origin + " must be a single value.");
      }
      out = out.set(e.getKey(), v.isNull() ? null : v.asText(), origin);
    }
    return out.validated(origin);
  }

  /**
   * A copy with {@code key} set from its text form, type-checked (ranges are checked by {@link
   * #validated}).
   *
   * @param origin where the value came from, for the message ("config file x", "--set")
   * @throws UserInputException for an unknown key or a value of the wrong type
   */
  public TrainingConfig set(String key, String text, String origin) throws UserInputException {
    Key k = KEYS.get(key);
    if (k == null) {
      throw new UserInputException(
          "Unknown key \""
              + key
              + "\" in "
              + origin
              + "; known keys are "
              + String.join(", ", KEYS.keySet())
              + ".");
    }
    if (text == null) {
      throw new UserInputException("The key \"" + key + "\" in " + origin + " has no value.");
    }
    Object value;
    String t = text.strip();
    try {
      value =
          switch (k.type()) {
            case INT -> Integer.parseInt(t.replace("_", ""));
            case DOUBLE -> Double.parseDouble(t);
            case BOOL -> {
              if (!t.equalsIgnoreCase("true") && !t.equalsIgnoreCase("false")) {
                throw new NumberFormatException();
              }
              yield Boolean.parseBoolean(t);
            }
            case STRING -> t;
          };
    } catch (NumberFormatException e) {
      String what =
          switch (k.type()) {
            case INT -> "an integer";
            case DOUBLE -> "a number";
            case BOOL -> "true or false";
            case STRING -> "text";
          };
      throw new UserInputException(
          "The key \"" + key + "\" in " + origin + " must be " + what + ", got \"" + t + "\".");
    }
    Map<String, Object> v = new LinkedHashMap<>(values);
    v.put(key, value);
    return new TrainingConfig(v);
  }

  /** {@code key=value} overrides from the command line ({@code --set}). */
  public TrainingConfig setAll(Map<String, String> overrides, String origin)
      throws UserInputException {
    TrainingConfig out = this;
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      out = out.set(e.getKey(), e.getValue(), origin);
    }
    return out.validated(origin);
  }

  /**
   * This config if every value is possible.
   *
   * @param origin named in the message
   * @throws UserInputException one sentence naming the first impossible value
   */
  public TrainingConfig validated(String origin) throws UserInputException {
    positive("batch_size", origin);
    positive("epochs", origin);
    positive("samples_per_epoch", origin);
    positive("validation_batch_size", origin);
    positive("eval_batch_size", origin);
    positive("loader_threads", origin);
    positive("vocab_min_frequency", origin);
    atLeast("warmup_steps", 0, origin);
    atLeast("max_validation_samples", 0, origin);
    atLeast("prefetch_batches", 0, origin);
    atLeast("torch_threads", 0, origin);
    atLeast("vocab_max_size", 5, origin);
    for (String a :
        new String[] {
          "hidden_size",
          "num_layers",
          "intermediate_size",
          "image_size",
          "patch_size",
          "context_length"
        }) {
      atLeast(a, 0, origin);
    }
    if (integer("context_length") == 1 || integer("context_length") > 512) {
      throw bad("context_length", "must be 0 (the model's) or 2..512", origin);
    }
    if (integer("hidden_size") % 32 != 0) {
      throw bad("hidden_size", "must be a multiple of 32 (heads of width 32), or 0", origin);
    }
    int image = integer("image_size");
    int patch = integer("patch_size");
    if (image > 0 && patch > 0 && image % patch != 0) {
      throw bad("image_size", "must be divisible by patch_size " + patch, origin);
    }
    double lr = learningRate();
    if (!(lr > 0) || Double.isInfinite(lr)) {
      throw bad("learning_rate", "must be a positive number", origin);
    }
    nonNegative("final_learning_rate", origin);
    nonNegative("weight_decay", origin);
    nonNegative("max_grad_norm", origin);
    if (number("logit_scale") > ClipTrainer.MAX_LOGIT_SCALE + 1e-4) {
      throw bad("logit_scale", "must be at most ln 100 = 4.6052 (CLIP's cap on the scale)", origin);
    }
    if (!(number("epsilon") > 0)) {
      throw bad("epsilon", "must be positive", origin);
    }
    for (String b : new String[] {"beta1", "beta2"}) {
      double v = number(b);
      if (!(v >= 0 && v < 1)) {
        throw bad(b, "must be in [0, 1)", origin);
      }
    }
    if (!(number("progress_interval_seconds") > 0)) {
      throw bad("progress_interval_seconds", "must be positive", origin);
    }
    String s = schedule();
    if (!s.equals("linear") && !s.equals("constant") && !s.equals("cosine")) {
      throw bad("schedule", "must be linear, constant or cosine", origin);
    }
    if (s.equals("cosine") && warmupSteps() >= totalSteps()) {
      throw bad("warmup_steps", "must be smaller than the total number of steps", origin);
    }
    String m = model();
    if (!m.equals("demo") && !m.equals("tiny") && !m.equals("vit-b32")) {
      throw bad("model", "must be demo, tiny or vit-b32", origin);
    }
    if (name().isBlank()) {
      throw bad("name", "must not be empty", origin);
    }
    return this;
  }

  private void positive(String key, String origin) throws UserInputException {
    atLeast(key, 1, origin);
  }

  private void atLeast(String key, int min, String origin) throws UserInputException {
    if (integer(key) < min) {
      throw bad(key, min == 1 ? "must be positive" : "must be at least " + min, origin);
    }
  }

  private void nonNegative(String key, String origin) throws UserInputException {
    double v = number(key);
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw bad(key, "must be a finite number >= 0", origin);
    }
  }

  private UserInputException bad(String key, String rule, String origin) {
    return new UserInputException(
        "The key \"" + key + "\" in " + origin + " " + rule + ", got " + values.get(key) + ".");
  }

  /** The value of {@code key} (boxed). */
  public Object get(String key) {
    if (!KEYS.containsKey(key)) {
      throw new IllegalArgumentException("unknown key " + key);
    }
    return values.get(key);
  }

  int integer(String key) {
    return ((Number) get(key)).intValue();
  }

  double number(String key) {
    return ((Number) get(key)).doubleValue();
  }

  boolean flag(String key) {
    return (Boolean) get(key);
  }

  String text(String key) {
    return (String) get(key);
  }

  /** Pairs per step. */
  public int batchSize() {
    return integer("batch_size");
  }

  /** Peak learning rate. */
  public double learningRate() {
    return number("learning_rate");
  }

  /** Epochs. */
  public int epochs() {
    return integer("epochs");
  }

  /** Samples per epoch (with replacement). */
  public int samplesPerEpoch() {
    return integer("samples_per_epoch");
  }

  /** Steps per epoch: {@code ceil(samples / batch)}; the last batch of an epoch may be smaller. */
  public int stepsPerEpoch() {
    return (samplesPerEpoch() + batchSize() - 1) / batchSize();
  }

  /** Steps of the whole run. */
  public long totalSteps() {
    return (long) stepsPerEpoch() * epochs();
  }

  /** Schedule name. */
  public String schedule() {
    return text("schedule");
  }

  /** Warm-up steps (cosine only). */
  public int warmupSteps() {
    return integer("warmup_steps");
  }

  /** Sampler (and initialisation) seed. */
  public long seed() {
    return integer("seed");
  }

  /** Train/validation split seed. */
  public long splitSeed() {
    return integer("split_seed");
  }

  /** Architecture for a from-scratch run. */
  public String model() {
    return text("model");
  }

  /** Model name. */
  public String name() {
    return text("name");
  }

  /** Model version; empty means "use the start time". */
  public String version() {
    return text("version");
  }

  /** Validation batch size. */
  public int validationBatchSize() {
    return integer("validation_batch_size");
  }

  /** Validation cap; 0 = all. */
  public int maxValidationSamples() {
    return integer("max_validation_samples");
  }

  /** Test in-batch size. */
  public int evalBatchSize() {
    return integer("eval_batch_size");
  }

  /** Whether the start model is evaluated on the test split first. */
  public boolean evaluateBaseline() {
    return flag("evaluate_baseline");
  }

  /** Whether the final bundle is evaluated on the test split. */
  public boolean evaluateTest() {
    return flag("evaluate_test");
  }

  /** Image decoding worker threads. */
  public int loaderThreads() {
    return integer("loader_threads");
  }

  /** Ready batches queued ahead of the training step; 0 = synchronous. */
  public int prefetchBatches() {
    return integer("prefetch_batches");
  }

  /** libtorch intra-op threads; 0 = default. */
  public int torchThreads() {
    return integer("torch_threads");
  }

  /** Seconds between plain (non-TTY) progress lines. */
  public double progressIntervalSeconds() {
    return number("progress_interval_seconds");
  }

  /** Vocabulary minimum frequency (from scratch). */
  public int vocabMinFrequency() {
    return integer("vocab_min_frequency");
  }

  /** Vocabulary size cap (from scratch). */
  public int vocabMaxSize() {
    return integer("vocab_max_size");
  }

  /** Extra vocabulary dataset folder (from scratch); empty = none. */
  public String vocabExtraData() {
    return text("vocab_extra_data");
  }

  /** AdamW settings. */
  public AdamW.Settings adam() {
    return new AdamW.Settings(
        number("beta1"), number("beta2"), number("epsilon"), number("weight_decay"));
  }

  /** The logit scale a new run starts from; empty keeps the start model's. */
  public OptionalDouble logitScale() {
    double v = number("logit_scale");
    return v < 0 ? OptionalDouble.empty() : OptionalDouble.of(v);
  }

  /** Gradient clip threshold; 0 = off. */
  public double maxGradNorm() {
    return number("max_grad_norm");
  }

  /** The learning rate schedule over {@link #totalSteps()}. */
  public LearningRateSchedule learningRateSchedule() {
    return switch (schedule()) {
      case "constant" -> LearningRateSchedule.constant(learningRate());
      case "cosine" ->
          LearningRateSchedule.warmupCosine(
              learningRate(), warmupSteps(), totalSteps(), number("final_learning_rate"));
      default -> LearningRateSchedule.linearDecay(learningRate(), totalSteps());
    };
  }

  /** All values as JSON (written to the run folder and the bundle's provenance). */
  public ObjectNode toJson() {
    return EvaluationReport.JSON.valueToTree(values);
  }

  /** All values. */
  public Map<String, Object> asMap() {
    return values;
  }

  /**
   * Reads {@link #toJson()} back (used on resume).
   *
   * @throws UserInputException when the JSON has unknown keys or bad values
   */
  public static TrainingConfig fromJson(JsonNode node, String origin) throws UserInputException {
    TrainingConfig out = defaults();
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      out = out.set(e.getKey(), e.getValue().asText(), origin);
    }
    return out.validated(origin);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrainingConfig c && values.equals(c.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
