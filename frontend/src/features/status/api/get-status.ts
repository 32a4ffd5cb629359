import type { components } from "../../../lib/api-schema";
import { getJson } from "../../../lib/api-client";

/** GET /api/status: what the backend knows about its database, active model and corpus. */
export type SystemStatus = components["schemas"]["StatusResponse"];

export function getStatus(signal?: AbortSignal): Promise<SystemStatus> {
  return getJson<SystemStatus>("/api/status", { signal });
}
