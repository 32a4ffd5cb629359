package org.medclip.backend.status;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What the service knows about its database, active model and corpus. */
@Schema(description = "Readiness of the search service")
public record StatusResponse(Database database, Model model, Corpus corpus) {

  /** The PostgreSQL server. */
  public record Database(
      @Schema(enumeration = {"up", "down"}) String status,
      @Schema(description = "PostgreSQL server version", example = "15.18") String version,
      @Schema(description = "pgvector extension version", example = "0.8.0") String pgvector,
      @Schema(description = "Why the database is down (one sentence)") String detail) {}

  /** The serving model. */
  public record Model(
      @Schema(enumeration = {"active", "none"}) String status,
      Long id,
      String name,
      @Schema(description = "Embedding dimension", example = "512") Integer dimension) {}

  /** The indexed corpus. */
  public record Corpus(@Schema(description = "Number of images stored") Long images) {}
}
