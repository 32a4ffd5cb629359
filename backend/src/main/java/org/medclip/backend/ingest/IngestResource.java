package org.medclip.backend.ingest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.medclip.backend.common.ApiException;
import org.medclip.backend.common.Problem;

/**
 * Ingest jobs: start one (it runs in the background), follow its progress, cancel it. Jobs are kept
 * in memory, one running at a time; a restart forgets them (re-running a job resumes it). A job may
 * embed under any registered model, not only the active one (the OpenAPI tag says how a new model
 * version goes live; this text is kept out of the operation descriptions, from which the frontend's
 * typed client is generated).
 */
@Path("/api/ingest-jobs")
@Tag(
    name = "ingest",
    description =
        "Load an ImageCLEF-layout folder: thumbnails and vectors. A job's modelId may name any"
            + " registered model, also one that is not active: that is how a new model version"
            + " goes live. Register it (SQL register_model, which creates its HNSW index), ingest"
            + " the corpus with its id while the active model keeps serving every search, then"
            + " switch with POST /api/models/{id}/activate (the previous model can be re-activated"
            + " the same way).")
@Produces(MediaType.APPLICATION_JSON)
public class IngestResource {
  private static final String NO_JOB = "No ingest job has this id on this server.";

  private final IngestService service;

  public IngestResource(IngestService service) {
    this.service = service;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Start an ingest job",
      description =
          "Reads an ImageCLEF-layout folder under the server's image root (all splits, the"
              + " uncaptioned test images included) and stores per image its caption, split, size,"
              + " SHA-256 content hash, a JPEG thumbnail (longest side 256) and its vector under"
              + " the active model (or modelId), in batches written in one transaction each."
              + " Re-running skips unchanged images that already have a vector, re-embeds changed"
              + " files, and so resumes a cancelled or killed job. One job runs at a time; jobs"
              + " are kept in memory and forgotten when the server restarts.")
  @APIResponse(responseCode = "202", description = "The job, started")
  @APIResponse(
      responseCode = "400",
      description = "The folder is missing, outside the image root, or not in the ImageCLEF layout",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  @APIResponse(
      responseCode = "404",
      description = "No model has the given id",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  @APIResponse(
      responseCode = "409",
      description = "A job is running, no model is active, or the model's bundle cannot be used",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  public Response start(IngestRequest request) {
    IngestJobResponse job = service.start(request);
    return Response.accepted(job)
        .location(UriBuilder.fromPath("/api/ingest-jobs/{id}").build(job.id()))
        .build();
  }

  @GET
  @Path("{id}")
  @Operation(
      summary = "Progress of an ingest job",
      description =
          "Counts (total, processed, embedded, skipped, failed), images per second, the state and,"
              + " when done, the report with every failed image and its reason.")
  @APIResponse(responseCode = "200", description = "The job")
  @APIResponse(
      responseCode = "404",
      description = "No job has this id (jobs are forgotten when the server restarts)",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  public IngestJobResponse get(
      @Parameter(description = "Job id", example = "3f2c9a1e") @PathParam("id") String id) {
    return service.find(id).orElseThrow(() -> ApiException.notFound(NO_JOB));
  }

  @DELETE
  @Path("{id}")
  @Operation(
      summary = "Cancel an ingest job",
      description =
          "The job stops after the batch it is writing (every written batch is complete); a"
              + " re-run resumes. A finished job is returned unchanged.")
  @APIResponse(responseCode = "200", description = "The job, with cancelRequested set")
  @APIResponse(
      responseCode = "404",
      description = "No job has this id",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  public IngestJobResponse cancel(
      @Parameter(description = "Job id", example = "3f2c9a1e") @PathParam("id") String id) {
    return service.cancel(id).orElseThrow(() -> ApiException.notFound(NO_JOB));
  }
}
