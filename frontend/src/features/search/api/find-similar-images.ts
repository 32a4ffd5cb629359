import type { paths } from "../../../lib/api-schema";
import { getJson, toQueryString } from "../../../lib/api-client";
import type { SearchResponse } from "./search-types";

type SimilarOperation = paths["/api/images/{id}/similar"]["get"];
export type SimilarImagesParams = NonNullable<SimilarOperation["parameters"]["query"]>;
export type SimilarImagesPath = SimilarOperation["parameters"]["path"];

/** GET /api/images/{id}/similar: nearest images (mode=image) or fused with its caption (image_text). */
export function findSimilarImages(
  path: SimilarImagesPath,
  params: SimilarImagesParams,
  signal?: AbortSignal,
) {
  return getJson<SearchResponse>(
    `/api/images/${encodeURIComponent(path.id)}/similar${toQueryString(params)}`,
    { signal },
  );
}
