package org.medclip.backend.stats;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.medclip.backend.common.Problem;

/** GET /api/stats: corpus and model statistics. */
@Path("/api/stats")
@Tag(name = "status")
public class StatsResource {
  private final StatsService service;

  public StatsResource(StatsService service) {
    this.service = service;
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Corpus and model statistics",
      description =
          "Images per split, captioned images, and every model with its state, dimension and"
              + " number of embedded images.")
  @APIResponse(responseCode = "200", description = "The statistics")
  @APIResponse(
      responseCode = "503",
      description = "The database is not reachable",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  public StatsResponse stats() {
    return service.currentStats();
  }
}
