package org.medclip.backend.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;
import org.medclip.backend.common.ApiException;
import org.medclip.backend.common.Problem;

/** Text-to-image and image-to-image search. Maps parameters and delegates to the service. */
@Path("/api/search")
@Tag(name = "search", description = "Search figures by caption text, CLIP vector, hybrid or image")
@Produces(MediaType.APPLICATION_JSON)
public class SearchResource {
  static final String FILTERS_DOC =
      " Filters (any mode): split, hasCaption, minWidth, minHeight. Results are ordered by score"
          + " descending, then id; ask for the next page with offset + limit while hasMore.";

  private final SearchService service;
  private final ObjectMapper json;

  public SearchResource(SearchService service, ObjectMapper json) {
    this.service = service;
    this.json = json;
  }

  @GET
  @Operation(
      summary = "Search images by text",
      description =
          "mode=text: caption full-text search (web-search syntax: \"quoted phrases\", OR,"
              + " -excluded words; any other punctuation is ignored). mode=vector: the text is"
              + " embedded by the active CLIP model and images are ranked by cosine similarity."
              + " mode=hybrid (default): both, fused by fusion=linear (alpha * vector + (1 - alpha)"
              + " * text, normalised scores) or fusion=rrf (reciprocal rank fusion). q is at most"
              + " 1000 characters; longer queries are refused, not truncated."
              + FILTERS_DOC)
  @APIResponse(responseCode = "200", description = "A page of results")
  @APIResponse(
      responseCode = "400",
      description = "A parameter is invalid (the detail names it)",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  @APIResponse(
      responseCode = "503",
      description =
          "vector or hybrid mode without an active model (\"No model is active: ...\"), or the"
              + " database is not reachable",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  public SearchResponse search(
      @Parameter(
              description = "Text query, 1 to 1000 characters (longer: 400)",
              required = true,
              example = "left lower lobe consolidation",
              schema = @Schema(type = SchemaType.STRING, minLength = 1, maxLength = 1000))
          @QueryParam("q")
          String q,
      @Parameter(
              description = "text, vector or hybrid (default hybrid)",
              schema =
                  @Schema(
                      type = SchemaType.STRING,
                      enumeration = {"text", "vector", "hybrid"},
                      defaultValue = "hybrid"))
          @QueryParam("mode")
          String mode,
      @BeanParam SearchParams params) {
    return service.search(
        params.parse(
            q,
            mode,
            Set.of("text", "vector", "hybrid"),
            "hybrid",
            Set.of("text", "vector", "hybrid")));
  }

  /** The multipart form of {@link #searchByImage} (documentation only). */
  @Schema(name = "ImageSearchForm")
  public static class ImageSearchForm {
    @Schema(
        type = SchemaType.STRING,
        format = "binary",
        required = true,
        description = "JPEG, PNG, GIF or BMP image, at most 10 MB and 100 megapixels")
    public String file;

    @Schema(
        description =
            "Text to fuse with the image (hybrid mode, required there), at most 1000 characters",
        maxLength = 1000)
    public String q;

    @Schema(
        enumeration = {"image", "hybrid"},
        description = "image (default without q) or hybrid (default with q)")
    public String mode;

    @Schema(
        description = SearchParams.ALPHA_DOC,
        type = SchemaType.NUMBER,
        minimum = "0",
        maximum = "1",
        defaultValue = "0.5")
    public String alpha;

    @Schema(
        description = SearchParams.FUSION_DOC,
        enumeration = {"linear", "rrf"})
    public String fusion;

    @Schema(
        description = SearchParams.LIMIT_DOC,
        type = SchemaType.INTEGER,
        minimum = "1",
        maximum = "100",
        defaultValue = "20")
    public String limit;

    @Schema(
        description = SearchParams.OFFSET_DOC,
        type = SchemaType.INTEGER,
        minimum = "0",
        maximum = "10000",
        defaultValue = "0")
    public String offset;

    @Schema(
        description = SearchParams.SPLIT_DOC,
        enumeration = {"train", "validation", "test"})
    public String split;

    @Schema(description = SearchParams.CAPTION_DOC, type = SchemaType.BOOLEAN)
    public String hasCaption;

    @Schema(description = SearchParams.MIN_WIDTH_DOC, type = SchemaType.INTEGER, minimum = "0")
    public String minWidth;

    @Schema(description = SearchParams.MIN_HEIGHT_DOC, type = SchemaType.INTEGER, minimum = "0")
    public String minHeight;
  }

  @POST
  @Path("image")
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @Operation(
      summary = "Search images by an uploaded image",
      description =
          "The upload is embedded by the active CLIP model. mode=image ranks images by cosine"
              + " similarity to it; mode=hybrid fuses that with caption search for q (alpha,"
              + " fusion as in GET /api/search)."
              + FILTERS_DOC)
  @RequestBody(
      content =
          @Content(
              mediaType = MediaType.MULTIPART_FORM_DATA,
              schema = @Schema(implementation = ImageSearchForm.class)))
  @APIResponse(responseCode = "200", description = "A page of results")
  @APIResponse(
      responseCode = "400",
      description =
          "A parameter is invalid, the file is missing, empty, damaged, or over 100 megapixels",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  @APIResponse(
      responseCode = "413",
      description = "The file is larger than 10 MB",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  @APIResponse(
      responseCode = "415",
      description = "The file is not a JPEG, PNG, GIF or BMP image",
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
  public SearchResponse searchByImage(
      @RestForm("file") FileUpload file,
      @RestForm("q") String q,
      @RestForm("mode") String mode,
      @RestForm("alpha") String alpha,
      @RestForm("fusion") String fusion,
      @RestForm("limit") String limit,
      @RestForm("offset") String offset,
      @RestForm("split") String split,
      @RestForm("hasCaption") String hasCaption,
      @RestForm("minWidth") String minWidth,
      @RestForm("minHeight") String minHeight) {
    boolean hasText = q != null && !q.isBlank();
    SearchRequest request =
        SearchRequest.parse(
            q,
            mode,
            alpha,
            fusion,
            limit,
            offset,
            split,
            hasCaption,
            minWidth,
            minHeight,
            Set.of("image", "hybrid"),
            hasText ? "hybrid" : "image",
            Set.of("hybrid"));
    UploadedImage upload =
        file == null || file.uploadedFile() == null
            ? null
            : new UploadedImage(file.size(), file.uploadedFile());
    return service.searchByImage(upload, request);
  }

  /** The JSON body of {@link #searchByVector} (documentation only). */
  @Schema(name = "VectorQuery")
  public static class VectorQuery {
    @Schema(
        required = true,
        description =
            "The query vector, as many numbers as the active model's dimension (GET /api/models),"
                + " computed with that model (not all zeros; it need not be normalised)",
        example = "[0.021, -0.113, 0.054]")
    public float[] vector;
  }

  @POST
  @Path("vector")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Search images by a CLIP vector",
      description =
          "For callers that embed their queries themselves (a notebook, a batch job) with the"
              + " active model: mode=vector (default without q) ranks images by cosine similarity"
              + " to the vector; mode=hybrid (default with q) fuses that with caption search for q"
              + " (alpha, fusion as in GET /api/search). modelId, when given, must be the active"
              + " model's id (409 otherwise), so that a vector of another model is never compared"
              + " with this one's."
              + FILTERS_DOC)
  @RequestBody(
      required = true,
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = VectorQuery.class)))
  @APIResponse(responseCode = "200", description = "A page of results")
  @APIResponse(
      responseCode = "400",
      description =
          "The body is not {\"vector\": [numbers]}, the vector has the wrong dimension or is all"
              + " zeros, or a parameter is invalid (the detail names it)",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  @APIResponse(
      responseCode = "409",
      description = "modelId is not the active model",
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
  public SearchResponse searchByVector(
      String body,
      @Parameter(
              description = "Text to fuse with the vector (hybrid mode, required there)",
              schema = @Schema(type = SchemaType.STRING, maxLength = 1000))
          @QueryParam("q")
          String q,
      @Parameter(
              description = "vector (default without q) or hybrid (default with q)",
              schema =
                  @Schema(
                      type = SchemaType.STRING,
                      enumeration = {"vector", "hybrid"}))
          @QueryParam("mode")
          String mode,
      @BeanParam SearchParams params,
      @Parameter(
              description = "The model the vector is from; must be the active one",
              schema = @Schema(type = SchemaType.INTEGER))
          @QueryParam("modelId")
          String modelId) {
    boolean hasText = q != null && !q.isBlank();
    SearchRequest request =
        params.parse(
            q, mode, Set.of("vector", "hybrid"), hasText ? "hybrid" : "vector", Set.of("hybrid"));
    Long model = null;
    if (modelId != null && !modelId.isBlank()) {
      try {
        model = Long.parseLong(modelId.strip());
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("modelId must be a whole number, got '" + modelId + "'.");
      }
    }
    return service.searchByVector(VectorBody.parse(json, body), model, request);
  }
}
