package org.medclip.backend.model;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.medclip.backend.common.ApiException;
import org.medclip.backend.common.Problem;

/** The registered models and the switch of the serving one. */
@Path("/api/models")
@Tag(name = "models", description = "Registered CLIP models and which one serves")
@Produces(MediaType.APPLICATION_JSON)
public class ModelResource {
  private final ModelService service;

  public ModelResource(ModelService service) {
    this.service = service;
  }

  @GET
  @Operation(
      summary = "List models",
      description =
          "Every registered model, oldest first, with its state and the number of images it has"
              + " vectors for. At most one model is active.")
  @APIResponse(responseCode = "200", description = "The models")
  @APIResponse(
      responseCode = "503",
      description = "The database is not reachable",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  public List<ModelResponse> list() {
    return service.listModels();
  }

  @POST
  @Path("{id}/activate")
  @Operation(
      summary = "Activate a model",
      description =
          "Loads the model's bundle and checks that its name and embedding dimension match the"
              + " registered model, then makes it the serving model in one database transaction"
              + " (the previous one is retired and can be re-activated the same way) and swaps"
              + " the encoder used for text and image queries.")
  @APIResponse(responseCode = "200", description = "The model, now active")
  @APIResponse(
      responseCode = "404",
      description = "No model has this id",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  @APIResponse(
      responseCode = "409",
      description = "The model's bundle cannot be loaded or does not match the model",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  public ModelResponse activate(
      @Parameter(description = "Model id", example = "2") @PathParam("id") String id) {
    return service.activate(parseId(id));
  }

  private static long parseId(String id) {
    try {
      long value = Long.parseLong(id);
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw ApiException.notFound("No model has this id.");
  }
}
