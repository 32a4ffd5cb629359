import type { components, paths } from "../../../lib/api-schema";
import { getJson } from "../../../lib/api-client";

export type ImageInfo = components["schemas"]["Image"];
export type ImagePath = paths["/api/images/{id}"]["get"]["parameters"]["path"];

/** GET /api/images/{id}: split, caption and size of a corpus image. */
export function getImage(path: ImagePath, signal?: AbortSignal) {
  return getJson<ImageInfo>(`/api/images/${encodeURIComponent(path.id)}`, { signal });
}

/** Where the thumbnail (longest side 256 px, JPEG) and the original file of an image are served. */
export function thumbnailUrl(id: string) {
  return `/api/images/${encodeURIComponent(id)}/thumbnail`;
}

export function fileUrl(id: string) {
  return `/api/images/${encodeURIComponent(id)}/file`;
}
