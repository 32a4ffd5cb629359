package org.medclip.backend.model;

import java.time.OffsetDateTime;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A registered model as the API shows it (never its bundle location). */
@Schema(name = "Model", description = "A registered CLIP model")
public record ModelResponse(
    @Schema(example = "1") long id,
    @Schema(example = "medclip-demo@1") String name,
    @Schema(
            description = "indexing: vectors being stored; active: serving; retired: was active",
            enumeration = {"indexing", "active", "retired"})
        String state,
    @Schema(description = "Embedding dimension", example = "192") int dimension,
    @Schema(description = "Number of images with a vector under this model", example = "1200")
        long embeddedImages,
    @Schema(description = "When the model was registered") OffsetDateTime createdAt,
    @Schema(description = "Evaluation results recorded at registration (free-form)")
        Map<String, Object> metrics) {}
