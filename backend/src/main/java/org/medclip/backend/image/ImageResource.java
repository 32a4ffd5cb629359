package org.medclip.backend.image;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.medclip.backend.common.Problem;
import org.medclip.backend.image.ImageService.ImageBytes;
import org.medclip.backend.image.ImageService.ImageFile;

/** Corpus images: metadata, thumbnail and original file (with strong ETags). */
@Path("/api/images/{id}")
@Tag(name = "images", description = "Corpus images: metadata, thumbnails, original files")
public class ImageResource {
  /** Content can change only by re-ingest; clients revalidate with the ETag after an hour. */
  private static final CacheControl CACHE = CacheControl.valueOf("public, max-age=3600");

  private final ImageService service;

  public ImageResource(ImageService service) {
    this.service = service;
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Image metadata",
      description = "Split, caption and size of a corpus image, with the addresses of its files.")
  @APIResponse(responseCode = "200", description = "The image")
  @APIResponse(
      responseCode = "404",
      description = "No image has this id",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  public ImageResponse image(
      @Parameter(description = "Image id", example = "ROCO_00012") @PathParam("id") String id) {
    return service.findImageById(id);
  }

  @GET
  @Path("thumbnail")
  @Produces("image/jpeg")
  @Operation(
      summary = "Image thumbnail",
      description =
          "The stored JPEG thumbnail (longest side 256 px). Strong ETag (SHA-256 of the bytes);"
              + " If-None-Match answers 304.")
  @APIResponse(
      responseCode = "200",
      description = "The JPEG thumbnail",
      headers = {@Header(name = "ETag"), @Header(name = "Cache-Control")})
  @APIResponse(responseCode = "304", description = "The client's copy is current")
  @APIResponse(
      responseCode = "404",
      description = "No image has this id, or it has no thumbnail",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  public Response thumbnail(
      @Parameter(description = "Image id", example = "ROCO_00012") @PathParam("id") String id,
      @Context Request request) {
    ImageBytes thumbnail = service.thumbnail(id);
    return conditional(request, thumbnail.etag(), "image/jpeg", thumbnail.bytes());
  }

  @GET
  @Path("file")
  @Produces({"image/jpeg", "image/png", "image/gif", "image/bmp", "application/octet-stream"})
  @Operation(
      summary = "Original image file",
      description =
          "The original file as ingested. Strong ETag (SHA-256 of the file); If-None-Match"
              + " answers 304.")
  @APIResponse(
      responseCode = "200",
      description = "The file",
      headers = {@Header(name = "ETag"), @Header(name = "Cache-Control")})
  @APIResponse(responseCode = "304", description = "The client's copy is current")
  @APIResponse(
      responseCode = "404",
      description = "No image has this id, or its file is not available",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  public Response file(
      @Parameter(description = "Image id", example = "ROCO_00012") @PathParam("id") String id,
      @Context Request request) {
    ImageFile file = service.originalFile(id);
    return conditional(request, file.etag(), file.mediaType(), file.file().toFile());
  }

  private static Response conditional(
      Request request, String hash, String mediaType, Object entity) {
    EntityTag tag = new EntityTag(hash);
    Response.ResponseBuilder notModified = request.evaluatePreconditions(tag);
    if (notModified != null) {
      return notModified.tag(tag).cacheControl(CACHE).build();
    }
    return Response.ok(entity, mediaType)
        .tag(tag)
        .cacheControl(CACHE)
        .header("X-Content-Type-Options", "nosniff")
        .build();
  }
}
