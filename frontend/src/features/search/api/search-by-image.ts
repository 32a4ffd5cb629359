import type { components } from "../../../lib/api-schema";
import { postForm } from "../../../lib/api-client";
import type { SearchResponse } from "./search-types";

/** The multipart fields of POST /api/search/image, the file as a browser File. */
export type ImageSearchFields = Omit<
  components["schemas"]["ImageSearchForm"],
  "file" | "alpha" | "limit" | "offset" | "hasCaption" | "minWidth" | "minHeight"
> & {
  alpha?: number;
  limit?: number;
  offset?: number;
  hasCaption?: boolean;
  minWidth?: number;
  minHeight?: number;
};

/** POST /api/search/image: images ranked by similarity to an uploaded one (optionally with text). */
export function searchByImage(file: File, fields: ImageSearchFields, signal?: AbortSignal) {
  const form = new FormData();
  form.set("file", file, file.name);
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined && value !== null && value !== "") form.set(name, String(value));
  }
  return postForm<SearchResponse>("/api/search/image", form, signal);
}
