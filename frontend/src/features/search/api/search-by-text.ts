import type { paths } from "../../../lib/api-schema";
import { getJson, toQueryString } from "../../../lib/api-client";
import type { SearchResponse } from "./search-types";

export type TextSearchParams = paths["/api/search"]["get"]["parameters"]["query"];

/** GET /api/search: images ranked by caption text, CLIP vector, or both fused. */
export function searchByText(params: TextSearchParams, signal?: AbortSignal) {
  return getJson<SearchResponse>(`/api/search${toQueryString(params)}`, { signal });
}
