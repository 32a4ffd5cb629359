package org.medclip.backend.ingest;

import java.time.OffsetDateTime;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A snapshot of an ingest job: its progress while it runs and its report when it is done.
 *
 * @param id job id
 * @param state {@code running}, {@code succeeded}, {@code failed} or {@code cancelled}
 * @param source the folder as the request named it
 * @param modelId the model the vectors are computed with
 * @param total usable images the dataset lists
 * @param processed images handled so far ({@code embedded + skipped + failed})
 * @param embedded images (re-)embedded and stored
 * @param skipped images unchanged since an earlier run that already have a vector
 * @param failed images that could not be read or decoded
 * @param badRows dataset rows that name no usable image (bad caption lines, missing files)
 * @param imagesPerSecond processed images per second since the start
 * @param cancelRequested whether a cancellation was asked for (the job stops after its batch)
 * @param startedAt when the job started
 * @param finishedAt when it ended, or {@code null} while it runs
 * @param message why the job failed, or {@code null}
 * @param failures the failed images with their reason (at most the first 1000)
 */
@Schema(description = "Progress and report of an ingest job")
public record IngestJobResponse(
    @Schema(example = "3f2c9a1e") String id,
    @Schema(
            enumeration = {"running", "succeeded", "failed", "cancelled"},
            example = "running")
        String state,
    @Schema(example = "imageclef-2017") String source,
    @Schema(example = "1") long modelId,
    @Schema(example = "1000") int total,
    @Schema(example = "320") int processed,
    @Schema(example = "310") int embedded,
    @Schema(example = "8") int skipped,
    @Schema(example = "2") int failed,
    @Schema(example = "0") int badRows,
    @Schema(example = "41.5") double imagesPerSecond,
    boolean cancelRequested,
    OffsetDateTime startedAt,
    OffsetDateTime finishedAt,
    String message,
    List<Failure> failures) {

  /**
   * An image that was skipped because it cannot be used.
   *
   * @param imageId the image id
   * @param reason why: {@code EMPTY}, {@code NOT_AN_IMAGE}, {@code UNSUPPORTED_FORMAT}, {@code
   *     CORRUPT}, {@code TOO_LARGE} or {@code IO_ERROR}
   */
  @Schema(description = "An image that could not be ingested")
  public record Failure(
      @Schema(example = "synpic12345") String imageId,
      @Schema(example = "CORRUPT") String reason) {}
}
