package org.medclip.training.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.medclip.clip.ClipConfig;
import org.medclip.training.onnx.TextPooling;
import org.medclip.training.weights.NamedTensor;
import org.medclip.training.weights.StateDict;

/**
 * Imports and exports Hugging Face {@code CLIPModel} directories ({@code config.json} + {@code
 * model.safetensors}, or a sharded {@code model.safetensors.index.json}).
 *
 * <p>Config mapping: fields absent from {@code config.json} take HF's {@code CLIPTextConfig} /
 * {@code CLIPVisionConfig} / {@code CLIPConfig} defaults (openai/clip-vit-base-patch32 sizes,
 * {@code quick_gelu}, eps 1e-5, pad 1, bos 49406, eos 49407, projection 512, logit scale init
 * 2.6592); legacy {@code text_config_dict} / {@code vision_config_dict} override {@code
 * text_config} / {@code vision_config} as in HF.
 *
 * <p>End-token rule: HF pools the text tower at {@code argmax(input_ids)} when {@code
 * text_config.eos_token_id == 2} (configs older than transformers PR #24773, including the openai
 * ones) and at the first {@code eos_token_id} otherwise. On import such a legacy config becomes a
 * {@link ClipConfig} whose {@code eosTokenId} is the largest id, {@code vocab_size - 1} (49407, the
 * real end token of the CLIP BPE vocabulary), which pools at the same position for every sequence
 * that contains that id; {@link Imported#textPooling()} reports {@link TextPooling#ARGMAX_IDS} so
 * an exact HF replica can still be exported. Our own configs with {@code eosTokenId == 2} (e.g.
 * {@link ClipConfig#tiny()}) are exported with the marker {@value #POOLING_MARKER} {@code =
 * "first_eos"} so that they import back unchanged; note that transformers itself ignores the marker
 * and would pool such a model at {@code argmax(input_ids)}.
 */
public final class HfCheckpoint {
  /** The HF config file name. */
  public static final String CONFIG_FILE = "config.json";

  /** The single-file weights name. */
  public static final String WEIGHTS_FILE = "model.safetensors";

  /** The index of sharded weights. */
  public static final String WEIGHTS_INDEX_FILE = "model.safetensors.index.json";

  /** Top-level config.json key, written only when {@code eosTokenId == 2}; see class comment. */
  public static final String POOLING_MARKER = "medclip_text_pooling";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * An imported checkpoint.
   *
   * @param config the architecture
   * @param weights every parameter of {@link HfKeys#expectedShapes(ClipConfig)}, in that order,
   *     float32, shapes checked
   * @param textPooling the rule transformers applies to this checkpoint's text tower
   */
  public record Imported(ClipConfig config, StateDict weights, TextPooling textPooling) {}

  /**
   * A mapped {@code config.json}.
   *
   * @param config the architecture
   * @param textPooling the rule transformers applies to it
   */
  public record ConfigMapping(ClipConfig config, TextPooling textPooling) {}

  private HfCheckpoint() {}

  /**
   * Imports an HF CLIP directory.
   *
   * @throws IOException naming the problem: missing {@code config.json}, weights only as {@code
   *     pytorch_model.bin} (safetensors is required), an invalid config, a corrupt safetensors
   *     file, missing or unexpected keys (all listed), wrong shapes (key, expected, actual)
   */
  public static Imported load(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException("not a directory: " + dir);
    }
    Path configFile = dir.resolve(CONFIG_FILE);
    if (!Files.isRegularFile(configFile)) {
      throw new IOException(
          "no "
              + CONFIG_FILE
              + " in "
              + dir
              + ": an HF CLIP directory needs config.json + model.safetensors");
    }
    ConfigMapping mapping = readConfig(configFile);
    StateDict raw = readWeights(dir);
    List<String> problems = HfKeys.problems(mapping.config(), raw);
    if (!problems.isEmpty()) {
      throw new IOException(
          "weights in "
              + dir
              + " do not match its "
              + CONFIG_FILE
              + ": "
              + String.join("; ", problems));
    }
    StateDict ordered = new StateDict();
    for (String key : HfKeys.expectedShapes(mapping.config()).keySet()) {
      ordered.put(key, raw.get(key));
    }
    return new Imported(mapping.config(), ordered, mapping.textPooling());
  }

  /** Reads and maps an HF {@code config.json}; see the class comment for defaults and eos. */
  public static ConfigMapping readConfig(Path configFile) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(configFile.toFile());
    } catch (IOException e) {
      throw new IOException("cannot parse " + configFile + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IOException(configFile + " is not a JSON object");
    }
    try {
      return mapConfig(root);
    } catch (IllegalArgumentException e) {
      throw new IOException("unsupported CLIP config " + configFile + ": " + e.getMessage(), e);
    }
  }

  /** Maps a parsed {@code config.json} object. */
  public static ConfigMapping mapConfig(JsonNode root) {
    String modelType = text(root, "model_type", "clip");
    if (!"clip".equals(modelType)) {
      throw new IllegalArgumentException(
          "model_type is \"" + modelType + "\"; only \"clip\" (CLIPModel) is supported");
    }
    JsonNode tc = merged(root, "text_config", "text_config_dict");
    JsonNode vc = merged(root, "vision_config", "vision_config_dict");

    int vocab = integer(tc, "vocab_size", 49408);
    int hfEos = integer(tc, "eos_token_id", 49407);
    TextPooling pooling = TextPooling.forHfEosTokenId(hfEos);
    int eos = hfEos;
    if (pooling == TextPooling.ARGMAX_IDS) {
      if ("first_eos".equals(text(root, POOLING_MARKER, ""))) {
        pooling = TextPooling.FIRST_EOS;
      } else {
        eos = vocab - 1;
      }
    }
    ClipConfig.TextConfig text =
        new ClipConfig.TextConfig(
            vocab,
            integer(tc, "hidden_size", 512),
            integer(tc, "intermediate_size", 2048),
            integer(tc, "num_hidden_layers", 12),
            integer(tc, "num_attention_heads", 8),
            integer(tc, "max_position_embeddings", 77),
            text(tc, "hidden_act", "quick_gelu"),
            number(tc, "layer_norm_eps", 1e-5),
            integer(tc, "bos_token_id", 49406),
            eos,
            integer(tc, "pad_token_id", 1));
    ClipConfig.VisionConfig vision =
        new ClipConfig.VisionConfig(
            integer(vc, "hidden_size", 768),
            integer(vc, "intermediate_size", 3072),
            integer(vc, "num_hidden_layers", 12),
            integer(vc, "num_attention_heads", 12),
            integer(vc, "image_size", 224),
            integer(vc, "patch_size", 32),
            integer(vc, "num_channels", 3),
            text(vc, "hidden_act", "quick_gelu"),
            number(vc, "layer_norm_eps", 1e-5));
    ClipConfig config =
        new ClipConfig(
            text,
            vision,
            integer(root, "projection_dim", 512),
            number(root, "logit_scale_init_value", 2.6592));
    return new ConfigMapping(config, pooling);
  }

  /**
   * Writes {@code dir/config.json} and {@code dir/model.safetensors} (F32, {@code
   * __metadata__.format = "pt"}, no {@code position_ids}) so that {@code
   * CLIPModel.from_pretrained(dir)} loads it.
   *
   * @throws IllegalArgumentException when {@code weights} do not match {@code config} (the message
   *     lists missing and unexpected keys and wrong shapes)
   */
  public static void save(ClipConfig config, StateDict weights, Path dir) throws IOException {
    HfKeys.validate(config, weights);
    StateDict params = new StateDict();
    for (String key : HfKeys.expectedShapes(config).keySet()) {
      params.put(key, weights.get(key));
    }
    Files.createDirectories(dir);
    Safetensors.write(params, dir.resolve(WEIGHTS_FILE));
    Files.writeString(dir.resolve(CONFIG_FILE), JSON.writeValueAsString(configJson(config)) + "\n");
  }

  /** The {@code config.json} content for {@code config}. */
  public static ObjectNode configJson(ClipConfig config) {
    ClipConfig.TextConfig t = config.text();
    ClipConfig.VisionConfig v = config.vision();
    ObjectNode root = JSON.createObjectNode();
    root.putArray("architectures").add("CLIPModel");
    root.put("initializer_factor", 1.0);
    root.put("logit_scale_init_value", config.logitScaleInit());
    root.put("model_type", "clip");
    root.put("projection_dim", config.projectionDim());
    if (t.eosTokenId() == 2) {
      root.put(POOLING_MARKER, "first_eos");
    }

    ObjectNode tc = root.putObject("text_config");
    tc.put("attention_dropout", 0.0);
    tc.put("bos_token_id", t.bosTokenId());
    tc.put("dropout", 0.0);
    tc.put("eos_token_id", t.eosTokenId());
    tc.put("hidden_act", t.hiddenAct());
    tc.put("hidden_size", t.hiddenSize());
    tc.put("initializer_factor", 1.0);
    tc.put("initializer_range", 0.02);
    tc.put("intermediate_size", t.intermediateSize());
    tc.put("layer_norm_eps", t.layerNormEps());
    tc.put("max_position_embeddings", t.maxPositions());
    tc.put("model_type", "clip_text_model");
    tc.put("num_attention_heads", t.numHeads());
    tc.put("num_hidden_layers", t.numLayers());
    tc.put("pad_token_id", t.padTokenId());
    tc.put("projection_dim", config.projectionDim());
    tc.put("vocab_size", t.vocabSize());

    ObjectNode vc = root.putObject("vision_config");
    vc.put("attention_dropout", 0.0);
    vc.put("dropout", 0.0);
    vc.put("hidden_act", v.hiddenAct());
    vc.put("hidden_size", v.hiddenSize());
    vc.put("image_size", v.imageSize());
    vc.put("initializer_factor", 1.0);
    vc.put("initializer_range", 0.02);
    vc.put("intermediate_size", v.intermediateSize());
    vc.put("layer_norm_eps", v.layerNormEps());
    vc.put("model_type", "clip_vision_model");
    vc.put("num_attention_heads", v.numHeads());
    vc.put("num_channels", v.numChannels());
    vc.put("num_hidden_layers", v.numLayers());
    vc.put("patch_size", v.patchSize());
    vc.put("projection_dim", config.projectionDim());

    root.put("torch_dtype", "float32");
    return root;
  }

  private static StateDict readWeights(Path dir) throws IOException {
    Path single = dir.resolve(WEIGHTS_FILE);
    if (Files.isRegularFile(single)) {
      return Safetensors.read(single, HfKeys.IGNORED_BUFFERS);
    }
    Path index = dir.resolve(WEIGHTS_INDEX_FILE);
    if (Files.isRegularFile(index)) {
      return readSharded(dir, index);
    }
    List<String> others = new ArrayList<>();
    for (String name :
        new String[] {
          "pytorch_model.bin", "pytorch_model.bin.index.json", "tf_model.h5", "flax_model.msgpack"
        }) {
      if (Files.exists(dir.resolve(name))) {
        others.add(name);
      }
    }
    if (!others.isEmpty()) {
      throw new IOException(
          dir
              + " holds its weights only as "
              + others
              + "; safetensors is required (pickled PyTorch files are not read). Convert once"
              + " with transformers: CLIPModel.from_pretrained(d).save_pretrained(d,"
              + " safe_serialization=True)");
    }
    throw new IOException("no " + WEIGHTS_FILE + " (or " + WEIGHTS_INDEX_FILE + ") in " + dir);
  }

  private static StateDict readSharded(Path dir, Path index) throws IOException {
    JsonNode map = JSON.readTree(index.toFile()).get("weight_map");
    if (map == null || !map.isObject()) {
      throw new IOException(index + " has no weight_map object");
    }
    TreeSet<String> shards = new TreeSet<>();
    map.elements().forEachRemaining(n -> shards.add(n.asText()));
    StateDict all = new StateDict();
    for (String shard : shards) {
      Path file = dir.resolve(shard).normalize();
      if (!file.startsWith(dir.normalize()) || !Files.isRegularFile(file)) {
        throw new IOException(index + " names shard " + shard + ", which is not a file in " + dir);
      }
      for (Map.Entry<String, NamedTensor> e :
          Safetensors.read(file, HfKeys.IGNORED_BUFFERS).asMap().entrySet()) {
        if (all.contains(e.getKey())) {
          throw new IOException(
              "tensor " + e.getKey() + " appears in more than one shard of " + dir);
        }
        all.put(e.getKey(), e.getValue());
      }
    }
    return all;
  }

  /** {@code root[key]} overridden field by field by {@code root[legacyKey]}. */
  private static JsonNode merged(JsonNode root, String key, String legacyKey) {
    ObjectNode out = JSON.createObjectNode();
    for (String k : new String[] {key, legacyKey}) {
      JsonNode n = root.get(k);
      if (n != null && n.isObject()) {
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        while (it.hasNext()) {
          Map.Entry<String, JsonNode> f = it.next();
          out.set(f.getKey(), f.getValue());
        }
      } else if (n != null && !n.isNull()) {
        throw new IllegalArgumentException(k + " is not an object");
      }
    }
    return out;
  }

  private static JsonNode field(JsonNode node, String key) {
    JsonNode v = node.get(key);
    return v == null ? NullNode.getInstance() : v;
  }

  private static int integer(JsonNode node, String key, int dflt) {
    JsonNode v = field(node, key);
    if (v.isNull()) {
      return dflt;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new IllegalArgumentException(key + " must be an integer, got " + v);
    }
    return v.intValue();
  }

  private static double number(JsonNode node, String key, double dflt) {
    JsonNode v = field(node, key);
    if (v.isNull()) {
      return dflt;
    }
    if (!v.isNumber()) {
      throw new IllegalArgumentException(key + " must be a number, got " + v);
    }
    return v.doubleValue();
  }

  private static String text(JsonNode node, String key, String dflt) {
    JsonNode v = field(node, key);
    if (v.isNull()) {
      return dflt;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException(key + " must be a string, got " + v);
    }
    return Objects.requireNonNull(v.asText());
  }
}
