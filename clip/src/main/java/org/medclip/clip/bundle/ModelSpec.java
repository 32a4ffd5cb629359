package org.medclip.clip.bundle;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.medclip.clip.ClipConfig;

/**
 * The content of a bundle's {@code clip-model.json}: everything a consumer needs to turn an image
 * or a text into the vector the model was trained to produce, plus where the model came from and
 * how well it did.
 *
 * <p>Invariants (checked by the constructor, so an inconsistent spec can be neither read nor
 * written): {@code formatVersion == FORMAT_VERSION}; {@code embeddingDim == config.projectionDim};
 * {@code imageSize == config.vision.imageSize}; mean and std have 3 entries (RGB) and std is
 * positive; {@code 2 <= contextLength <= config.text.maxPositions}; the special token ids lie in
 * the text vocabulary and bos/eos equal {@code config.text}'s (the text graph pools at the EOS
 * token).
 *
 * @param formatVersion version of this file's layout; readers reject versions they do not know
 * @param name model name (stable across versions, e.g. {@code medclip-vit-b32})
 * @param version model version (free text, e.g. a date or a training run id)
 * @param config the architecture
 * @param embeddingDim length of the L2-normalised vectors both encoders output
 * @param imageSize side in pixels of the square {@code pixel_values} input
 * @param imageMean per-channel (RGB) mean subtracted after scaling pixels to [0, 1]
 * @param imageStd per-channel (RGB) divisor applied after subtracting the mean
 * @param contextLength maximum token count of {@code input_ids}, BOS and EOS included
 * @param specialTokens ids the tokenizer wraps and pads texts with
 * @param provenance where the model came from
 * @param evaluation free-form evaluation results (metric name to value or nested object)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({
  "format_version",
  "name",
  "version",
  "embedding_dim",
  "image_size",
  "image_mean",
  "image_std",
  "context_length",
  "special_tokens",
  "config",
  "provenance",
  "evaluation"
})
public record ModelSpec(
    @JsonProperty("format_version") int formatVersion,
    @JsonProperty("name") String name,
    @JsonProperty("version") String version,
    @JsonProperty("config") ClipConfig config,
    @JsonProperty("embedding_dim") int embeddingDim,
    @JsonProperty("image_size") int imageSize,
    @JsonProperty("image_mean") float[] imageMean,
    @JsonProperty("image_std") float[] imageStd,
    @JsonProperty("context_length") int contextLength,
    @JsonProperty("special_tokens") SpecialTokens specialTokens,
    @JsonProperty("provenance") Provenance provenance,
    @JsonProperty("evaluation") Map<String, Object> evaluation) {

  /** The only {@code format_version} this build reads and writes. */
  public static final int FORMAT_VERSION = 1;

  /** CLIPImageProcessor's default mean (OpenAI CLIP), RGB. */
  public static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};

  /** CLIPImageProcessor's default std (OpenAI CLIP), RGB. */
  public static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

  public ModelSpec {
    if (formatVersion != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "unsupported format_version "
              + formatVersion
              + " (this build reads "
              + FORMAT_VERSION
              + ")");
    }
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name is missing");
    }
    if (version == null || version.isBlank()) {
      throw new IllegalArgumentException("version is missing");
    }
    Objects.requireNonNull(config, "config is missing");
    if (embeddingDim != config.projectionDim()) {
      throw new IllegalArgumentException(
          "embedding_dim "
              + embeddingDim
              + " differs from config.projection_dim "
              + config.projectionDim());
    }
    if (imageSize != config.vision().imageSize()) {
      throw new IllegalArgumentException(
          "image_size "
              + imageSize
              + " differs from config.vision_config.image_size "
              + config.vision().imageSize());
    }
    imageMean = checkChannels("image_mean", imageMean, false);
    imageStd = checkChannels("image_std", imageStd, true);
    if (contextLength < 2 || contextLength > config.text().maxPositions()) {
      throw new IllegalArgumentException(
          "context_length "
              + contextLength
              + " must be in [2, config.text_config.max_position_embeddings = "
              + config.text().maxPositions()
              + "]");
    }
    Objects.requireNonNull(specialTokens, "special_tokens is missing");
    ClipConfig.TextConfig text = config.text();
    if (specialTokens.bos() != text.bosTokenId() || specialTokens.eos() != text.eosTokenId()) {
      throw new IllegalArgumentException(
          "special_tokens bos/eos "
              + specialTokens.bos()
              + "/"
              + specialTokens.eos()
              + " differ from config.text_config bos/eos "
              + text.bosTokenId()
              + "/"
              + text.eosTokenId());
    }
    if (specialTokens.pad() < 0 || specialTokens.pad() >= text.vocabSize()) {
      throw new IllegalArgumentException(
          "special_tokens pad "
              + specialTokens.pad()
              + " outside vocabulary of "
              + text.vocabSize());
    }
    provenance = provenance == null ? Provenance.unknown() : provenance;
    evaluation =
        evaluation == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(evaluation));
  }

  /**
   * A spec for a fresh model of the given architecture, with the sizes, special tokens and context
   * length taken from the config and OpenAI CLIP's normalisation constants.
   *
   * @param name model name
   * @param version model version
   * @param config the architecture
   * @param provenance where the model came from
   * @param evaluation evaluation results, may be empty
   */
  public static ModelSpec of(
      String name,
      String version,
      ClipConfig config,
      Provenance provenance,
      Map<String, Object> evaluation) {
    ClipConfig.TextConfig text = config.text();
    return new ModelSpec(
        FORMAT_VERSION,
        name,
        version,
        config,
        config.projectionDim(),
        config.vision().imageSize(),
        CLIP_MEAN,
        CLIP_STD,
        text.maxPositions(),
        new SpecialTokens(text.bosTokenId(), text.eosTokenId(), text.padTokenId()),
        provenance,
        evaluation);
  }

  /** A copy with other evaluation results (e.g. after evaluating an exported bundle). */
  public ModelSpec withEvaluation(Map<String, Object> newEvaluation) {
    return new ModelSpec(
        formatVersion,
        name,
        version,
        config,
        embeddingDim,
        imageSize,
        imageMean,
        imageStd,
        contextLength,
        specialTokens,
        provenance,
        newEvaluation);
  }

  /** Per-channel mean, a copy (RGB). */
  @Override
  public float[] imageMean() {
    return imageMean.clone();
  }

  /** Per-channel std, a copy (RGB). */
  @Override
  public float[] imageStd() {
    return imageStd.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelSpec s
        && formatVersion == s.formatVersion
        && embeddingDim == s.embeddingDim
        && imageSize == s.imageSize
        && contextLength == s.contextLength
        && name.equals(s.name)
        && version.equals(s.version)
        && config.equals(s.config)
        && Arrays.equals(imageMean, s.imageMean)
        && Arrays.equals(imageStd, s.imageStd)
        && specialTokens.equals(s.specialTokens)
        && provenance.equals(s.provenance)
        && evaluation.equals(s.evaluation);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, version, config, embeddingDim, Arrays.hashCode(imageMean));
  }

  @Override
  public String toString() {
    return "ModelSpec[" + name + " " + version + ", dim " + embeddingDim + "]";
  }

  private static float[] checkChannels(String field, float[] values, boolean positive) {
    if (values == null || values.length != 3) {
      throw new IllegalArgumentException(field + " must have 3 entries (RGB)");
    }
    for (float v : values) {
      if (!Float.isFinite(v) || (positive && v <= 0f)) {
        throw new IllegalArgumentException(
            field + " has an invalid entry " + v + (positive ? " (must be > 0)" : ""));
      }
    }
    return values.clone();
  }

  /**
   * Token ids the tokenizer wraps every text with. {@code input_ids} rows are {@code bos,
   * tokens..., eos, pad...}.
   *
   * @param bos start token, first in every row
   * @param eos end token, exactly once per row, after the text; the text vector is read there
   * @param pad filler after {@code eos} up to the batch's length (its value never changes the
   *     vector)
   */
  public record SpecialTokens(
      @JsonProperty("bos") int bos, @JsonProperty("eos") int eos, @JsonProperty("pad") int pad) {}

  /**
   * Where a model came from.
   *
   * @param createdAt ISO-8601 UTC instant the bundle was written, e.g. {@code 2026-11-29T10:00:00Z}
   * @param baseModel what training started from (an HF id or directory, another bundle, or {@code
   *     scratch})
   * @param trainingData description of the training data (corpus name, split, sample count)
   * @param toolVersion version of the tool that wrote the bundle
   * @param details anything else (hyper-parameters, seeds, git commit), free-form
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Provenance(
      @JsonProperty("created_at") String createdAt,
      @JsonProperty("base_model") String baseModel,
      @JsonProperty("training_data") String trainingData,
      @JsonProperty("tool_version") String toolVersion,
      @JsonProperty("details") Map<String, Object> details) {

    public Provenance {
      details =
          details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** Provenance stamped with the current instant. */
    public static Provenance now(
        String baseModel, String trainingData, String toolVersion, Map<String, Object> details) {
      return new Provenance(
          Instant.now().toString(), baseModel, trainingData, toolVersion, details);
    }

    /** Provenance of a spec that recorded none. */
    public static Provenance unknown() {
      return new Provenance(null, null, null, null, null);
    }
  }
}
