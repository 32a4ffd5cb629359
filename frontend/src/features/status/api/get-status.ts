import { getJson } from "../../../lib/api-client";

/** GET /api/status: what the backend knows about its database, active model and corpus. */
export interface SystemStatus {
  database: {
    status: "up" | "down";
    version: string | null;
    pgvector: string | null;
    detail: string | null;
  };
  model: {
    status: "active" | "none";
    id: number | null;
    name: string | null;
    dimension: number | null;
  };
  corpus: { images: number | null };
}

export function getStatus(signal?: AbortSignal): Promise<SystemStatus> {
  return getJson<SystemStatus>("/api/status", { signal });
}
