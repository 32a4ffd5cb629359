package org.medclip.backend.search;

import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.medclip.backend.common.Problem;

/** Image-to-image search from a corpus image. */
@Path("/api/images/{id}/similar")
@Tag(name = "search")
@Produces(MediaType.APPLICATION_JSON)
public class SimilarImagesResource {
  private final SearchService service;

  public SimilarImagesResource(SearchService service) {
    this.service = service;
  }

  @GET
  @Operation(
      summary = "Images similar to a corpus image",
      description =
          "mode=image (default): nearest images to the image's stored vector under the active"
              + " model. mode=image_text: fused with a search for the terms of its caption (alpha,"
              + " fusion as in GET /api/search). The image itself is left out."
              + SearchResource.FILTERS_DOC)
  @APIResponse(responseCode = "200", description = "A page of results")
  @APIResponse(
      responseCode = "400",
      description = "A parameter is invalid",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  @APIResponse(
      responseCode = "404",
      description = "No image has this id",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  @APIResponse(
      responseCode = "409",
      description = "The image has no vector under the active model yet",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  @APIResponse(
      responseCode = "503",
      description = "No model is active, or the database is not reachable",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  public SearchResponse similar(
      @Parameter(description = "Image id", example = "ROCO_00012") @PathParam("id") String id,
      @Parameter(
              description = "image (default) or image_text",
              schema =
                  @Schema(
                      type = SchemaType.STRING,
                      enumeration = {"image", "image_text"},
                      defaultValue = "image"))
          @QueryParam("mode")
          String mode,
      @BeanParam SearchParams params) {
    return service.similar(
        id, params.parse(null, mode, Set.of("image", "image_text"), "image", Set.of()));
  }
}
