package org.medclip.backend.image;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A corpus image's metadata (never its file location). */
@Schema(name = "Image", description = "A corpus image")
public record ImageResponse(
    @Schema(example = "ROCO_00012") String id,
    @Schema(enumeration = {"train", "validation", "test"}) String split,
    @Schema(example = "Chest radiograph: nodule in the left lower lobe.") String caption,
    @Schema(description = "Width in pixels", example = "512") int width,
    @Schema(description = "Height in pixels", example = "512") int height,
    @Schema(
            description = "The JPEG thumbnail (null when the image has none)",
            example = "/api/images/ROCO_00012/thumbnail")
        String thumbnailUrl,
    @Schema(description = "The original file", example = "/api/images/ROCO_00012/file")
        String fileUrl) {}
