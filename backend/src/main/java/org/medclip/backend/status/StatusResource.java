package org.medclip.backend.status;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** GET /api/status: database, model and corpus readiness for the UI's empty state. */
@Path("/api/status")
@Tag(name = "status", description = "Readiness of the search service")
public class StatusResource {
  private final StatusService service;

  public StatusResource(StatusService service) {
    this.service = service;
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Service status",
      description =
          "Whether PostgreSQL (with pgvector) is reachable, which model is active and how many"
              + " images are stored. Always 200: an outage is reported in the body.")
  public StatusResponse status() {
    return service.currentStatus();
  }
}
