package org.medclip.backend.search;

import jakarta.ws.rs.QueryParam;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/**
 * The query parameters every search endpoint shares (GET /api/search, POST /api/search/vector, GET
 * /api/images/{id}/similar): fusion, paging and filters, raw as they came; {@link #parse} validates
 * them with the endpoint's own text and mode.
 */
public class SearchParams {
  static final String ALPHA_DOC =
      "Weight of the vector side in linear fusion, 0 (text order) to 1 (vector order); default"
          + " 0.5";
  static final String FUSION_DOC = "Hybrid fusion: linear (default) or rrf";
  static final String LIMIT_DOC = "Results per page, 1 to 100; default 20";
  static final String OFFSET_DOC = "Results to skip, 0 to 10000; default 0";
  static final String SPLIT_DOC = "Only images of this split";
  static final String CAPTION_DOC = "Only images with (true) or without (false) a caption";
  static final String MIN_WIDTH_DOC = "Only images at least this wide, in pixels";
  static final String MIN_HEIGHT_DOC = "Only images at least this high, in pixels";

  @Parameter(
      description = ALPHA_DOC,
      example = "0.5",
      schema =
          @Schema(type = SchemaType.NUMBER, minimum = "0", maximum = "1", defaultValue = "0.5"))
  @QueryParam("alpha")
  String alpha;

  @Parameter(description = FUSION_DOC, schema = @Schema(enumeration = {"linear", "rrf"}))
  @QueryParam("fusion")
  String fusion;

  @Parameter(
      description = LIMIT_DOC,
      example = "20",
      schema =
          @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "100", defaultValue = "20"))
  @QueryParam("limit")
  String limit;

  @Parameter(
      description = OFFSET_DOC,
      example = "0",
      schema =
          @Schema(type = SchemaType.INTEGER, minimum = "0", maximum = "10000", defaultValue = "0"))
  @QueryParam("offset")
  String offset;

  @Parameter(
      description = SPLIT_DOC,
      schema = @Schema(enumeration = {"train", "validation", "test"}))
  @QueryParam("split")
  String split;

  @Parameter(
      description = CAPTION_DOC,
      example = "true",
      schema = @Schema(type = SchemaType.BOOLEAN))
  @QueryParam("hasCaption")
  String hasCaption;

  @Parameter(
      description = MIN_WIDTH_DOC,
      example = "256",
      schema = @Schema(type = SchemaType.INTEGER, minimum = "0"))
  @QueryParam("minWidth")
  String minWidth;

  @Parameter(
      description = MIN_HEIGHT_DOC,
      example = "256",
      schema = @Schema(type = SchemaType.INTEGER, minimum = "0"))
  @QueryParam("minHeight")
  String minHeight;

  /**
   * The validated request (see {@link SearchRequest#parse}), or a 400 naming the first bad
   * parameter.
   */
  SearchRequest parse(
      String q, String mode, Set<String> modes, String defaultMode, Set<String> queryModes) {
    return SearchRequest.parse(
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
        modes,
        defaultMode,
        queryModes);
  }
}
