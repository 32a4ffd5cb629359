import type { components } from "../../../lib/api-schema";

/** A page of results as the backend's OpenAPI document describes it. */
export type SearchResponse = components["schemas"]["SearchResponse"];
export type SearchHit = components["schemas"]["SearchHit"];
export type Scores = components["schemas"]["Scores"];
