package org.medclip.backend.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An RFC 7807 problem document ({@code application/problem+json}). {@code detail} is one human
 * sentence; it never contains a stack trace, SQL or a file path.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Problem", description = "RFC 7807 problem details")
public record Problem(
    @Schema(example = "about:blank") String type,
    @Schema(example = "Bad Request") String title,
    @Schema(example = "400") int status,
    @Schema(example = "limit must be between 1 and 100") String detail,
    @Schema(example = "/api/search/text") String instance) {

  public static final String MEDIA_TYPE = "application/problem+json";
}
