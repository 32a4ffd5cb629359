package org.medclip.clip;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * Architecture of a CLIP model (the Hugging Face {@code CLIPConfig} fields that change the
 * computation). The single source of truth for model sizes: training builds its DJL model from it,
 * the ONNX export and the model bundle record it, and HF {@code config.json} files map onto it.
 *
 * <p>JSON names follow HF's {@code config.json} (snake_case) so the same text can be read from
 * either.
 *
 * @param text the causal text transformer
 * @param vision the ViT image tower
 * @param projectionDim dimension of the shared embedding space (the vectors that are searched)
 * @param logitScaleInit initial value of the learnable log temperature, ln(1/0.07) = 2.6592 in HF
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClipConfig(
    @JsonProperty("text_config") TextConfig text,
    @JsonProperty("vision_config") VisionConfig vision,
    @JsonProperty("projection_dim") int projectionDim,
    @JsonProperty("logit_scale_init_value") double logitScaleInit) {

  public ClipConfig {
    Objects.requireNonNull(text, "text_config");
    Objects.requireNonNull(vision, "vision_config");
    if (projectionDim <= 0) {
      throw new IllegalArgumentException("projection_dim must be positive, got " + projectionDim);
    }
  }

  /**
   * The text tower.
   *
   * @param vocabSize number of token ids (embedding rows)
   * @param hiddenSize width of the transformer
   * @param intermediateSize width of the MLP
   * @param numLayers encoder layers
   * @param numHeads attention heads (hiddenSize must be divisible by it)
   * @param maxPositions context length (position embeddings), 77 in OpenAI's CLIP
   * @param hiddenAct {@code quick_gelu} or {@code gelu} (exact erf GELU)
   * @param layerNormEps LayerNorm epsilon
   * @param bosTokenId id of the start token
   * @param eosTokenId id of the end token; the text embedding is read at its first occurrence
   * @param padTokenId id used to pad after the end token
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record TextConfig(
      @JsonProperty("vocab_size") int vocabSize,
      @JsonProperty("hidden_size") int hiddenSize,
      @JsonProperty("intermediate_size") int intermediateSize,
      @JsonProperty("num_hidden_layers") int numLayers,
      @JsonProperty("num_attention_heads") int numHeads,
      @JsonProperty("max_position_embeddings") int maxPositions,
      @JsonProperty("hidden_act") String hiddenAct,
      @JsonProperty("layer_norm_eps") double layerNormEps,
      @JsonProperty("bos_token_id") int bosTokenId,
      @JsonProperty("eos_token_id") int eosTokenId,
      @JsonProperty("pad_token_id") int padTokenId) {

    public TextConfig {
      checkTower("text_config", hiddenSize, intermediateSize, numLayers, numHeads, hiddenAct);
      if (vocabSize <= 0 || maxPositions <= 1) {
        throw new IllegalArgumentException(
            "text_config: vocab_size and max_position_embeddings must be positive");
      }
      for (int id : new int[] {bosTokenId, eosTokenId, padTokenId}) {
        if (id < 0 || id >= vocabSize) {
          throw new IllegalArgumentException(
              "text_config: special token id " + id + " outside vocabulary of " + vocabSize);
        }
      }
    }
  }

  /**
   * The image tower.
   *
   * @param hiddenSize width of the transformer
   * @param intermediateSize width of the MLP
   * @param numLayers encoder layers
   * @param numHeads attention heads
   * @param imageSize input side in pixels (square)
   * @param patchSize patch side in pixels; imageSize must be divisible by it
   * @param numChannels input channels (3)
   * @param hiddenAct {@code quick_gelu} or {@code gelu}
   * @param layerNormEps LayerNorm epsilon
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record VisionConfig(
      @JsonProperty("hidden_size") int hiddenSize,
      @JsonProperty("intermediate_size") int intermediateSize,
      @JsonProperty("num_hidden_layers") int numLayers,
      @JsonProperty("num_attention_heads") int numHeads,
      @JsonProperty("image_size") int imageSize,
      @JsonProperty("patch_size") int patchSize,
      @JsonProperty("num_channels") int numChannels,
      @JsonProperty("hidden_act") String hiddenAct,
      @JsonProperty("layer_norm_eps") double layerNormEps) {

    public VisionConfig {
      checkTower("vision_config", hiddenSize, intermediateSize, numLayers, numHeads, hiddenAct);
      if (patchSize <= 0 || imageSize <= 0 || imageSize % patchSize != 0) {
        throw new IllegalArgumentException(
            "vision_config: image_size "
                + imageSize
                + " must be a multiple of patch_size "
                + patchSize);
      }
      if (numChannels != 3) {
        throw new IllegalArgumentException(
            "vision_config: num_channels must be 3, got " + numChannels);
      }
    }

    /** Patches per image side. */
    public int gridSize() {
      return imageSize / patchSize;
    }

    /** Sequence length of the image tower: patches plus the class token. */
    public int numPositions() {
      return gridSize() * gridSize() + 1;
    }
  }

  private static void checkTower(
      String name, int hidden, int intermediate, int layers, int heads, String act) {
    if (hidden <= 0 || intermediate <= 0 || layers <= 0 || heads <= 0) {
      throw new IllegalArgumentException(name + ": sizes must be positive");
    }
    if (hidden % heads != 0) {
      throw new IllegalArgumentException(
          name + ": hidden_size " + hidden + " is not divisible by num_attention_heads " + heads);
    }
    if (!"quick_gelu".equals(act) && !"gelu".equals(act)) {
      throw new IllegalArgumentException(
          name + ": hidden_act must be quick_gelu or gelu, got " + act);
    }
  }

  /** openai/clip-vit-base-patch32: 151,277,313 parameters, 512-d embeddings. */
  public static ClipConfig vitBasePatch32() {
    return new ClipConfig(
        new TextConfig(49408, 512, 2048, 12, 8, 77, "quick_gelu", 1e-5, 49406, 49407, 1),
        new VisionConfig(768, 3072, 12, 12, 224, 32, 3, "quick_gelu", 1e-5),
        512,
        2.6592);
  }

  /**
   * The demo model this project trains on a 2-core CPU: 64x64 images in 8x8 patches, 4 layers of
   * width 192 per tower, 32-token context, 192-d embeddings. The vocabulary comes from the
   * tokenizer built from the captions ({@code [PAD]} = 0, start and end tokens the two highest ids,
   * as TokenizerBuilder writes them).
   *
   * @param vocabSize size of the tokenizer's vocabulary, special tokens included
   */
  public static ClipConfig demo(int vocabSize) {
    return new ClipConfig(
        new TextConfig(
            vocabSize, 192, 768, 4, 4, 32, "quick_gelu", 1e-5, vocabSize - 2, vocabSize - 1, 0),
        new VisionConfig(192, 768, 4, 4, 64, 8, 3, "quick_gelu", 1e-5),
        192,
        2.6592);
  }

  /** A tiny model for tests: 2 layers per tower, 32x32 images in 8x8 patches. */
  public static ClipConfig tiny() {
    return new ClipConfig(
        new TextConfig(99, 32, 64, 2, 4, 16, "quick_gelu", 1e-5, 1, 2, 0),
        new VisionConfig(32, 64, 2, 4, 32, 8, 3, "quick_gelu", 1e-5),
        24,
        2.6592);
  }
}
