package org.medclip.backend.search;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A page of search results, ordered by the SQL search functions (score descending, then id).
 *
 * @param mode the mode that ran
 * @param modelId the model whose vectors were searched (null in text mode)
 * @param limit page size asked for
 * @param offset results skipped
 * @param hasMore whether a next page exists
 * @param items the results
 */
@Schema(name = "SearchResponse", description = "A page of search results")
public record SearchResponse(
    @Schema(example = "hybrid") String mode,
    @Schema(example = "1") Long modelId,
    @Schema(example = "20") int limit,
    @Schema(example = "0") int offset,
    @Schema(description = "Whether more results follow this page") boolean hasMore,
    List<SearchHit> items) {}
