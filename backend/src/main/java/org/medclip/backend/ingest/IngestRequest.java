package org.medclip.backend.ingest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * What to ingest.
 *
 * @param source the ImageCLEF-layout folder: absolute, or relative to {@code medclip.images.root};
 *     it must lie under that root
 * @param modelId the model whose vectors to compute: any registered model, active or not (a new
 *     model version is embedded beside the serving one, then activated); {@code null} for the
 *     active model
 */
@Schema(description = "An ingest job to start")
public record IngestRequest(
    @Schema(
            description =
                "ImageCLEF-layout folder (training/, validation/, test/): absolute or relative to"
                    + " the server's image root, and under that root",
            example = "imageclef-2017",
            required = true)
        String source,
    @Schema(
            description = "Model to embed the images with; the active model when absent",
            example = "1")
        Long modelId) {}
