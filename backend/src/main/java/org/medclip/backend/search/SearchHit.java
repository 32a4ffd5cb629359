package org.medclip.backend.search;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One result of a search.
 *
 * @param rank 1-based position in the whole result list (offset + position in the page)
 * @param id image id
 * @param split train, validation or test
 * @param caption the caption's raw text (null when the image has none)
 * @param snippet the caption with matched terms between {@code <mark>} and {@code </mark>} (null
 *     without a text match); the rest is raw caption text, to be escaped by HTML clients
 * @param width width in pixels
 * @param height height in pixels
 * @param scores the scores the SQL search functions computed
 * @param thumbnailUrl where the JPEG thumbnail is (null when the image has none)
 */
@Schema(name = "SearchHit", description = "One search result")
public record SearchHit(
    @Schema(example = "1") int rank,
    @Schema(example = "ROCO_00012") String id,
    @Schema(enumeration = {"train", "validation", "test"}) String split,
    @Schema(example = "Chest radiograph: nodule in the left lower lobe.") String caption,
    @Schema(example = "Chest radiograph: <mark>nodule</mark> in the left lower lobe.")
        String snippet,
    @Schema(example = "512") int width,
    @Schema(example = "512") int height,
    Scores scores,
    @Schema(example = "/api/images/ROCO_00012/thumbnail") String thumbnailUrl) {

  /**
   * Scores of a hit.
   *
   * @param text ts_rank_cd cover density in [0, 1) (null in pure vector modes)
   * @param vector cosine similarity in [-1, 1] (null in text mode)
   * @param fused the value results are ordered by (text or vector score, or the hybrid fusion)
   */
  @Schema(name = "Scores", description = "Text, vector and fused scores of a hit")
  public record Scores(
      @Schema(example = "0.083") Double text,
      @Schema(example = "0.31") Double vector,
      @Schema(example = "0.74") double fused) {}
}
