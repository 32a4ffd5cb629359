package org.medclip.backend.stats;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.medclip.backend.model.ModelResponse;

/**
 * Corpus and model statistics.
 *
 * @param corpus the stored images
 * @param models every registered model
 */
@Schema(name = "Stats", description = "Corpus and model statistics")
public record StatsResponse(Corpus corpus, List<ModelResponse> models) {

  /**
   * The stored images.
   *
   * @param images number of images
   * @param captioned images with a non-empty caption
   * @param splits images per split (train, validation, test; 0 when none)
   */
  @Schema(name = "CorpusStats")
  public record Corpus(
      @Schema(example = "1200") long images,
      @Schema(example = "1150") long captioned,
      @Schema(example = "{\"train\": 1000, \"validation\": 100, \"test\": 100}")
          Map<String, Long> splits) {}
}
