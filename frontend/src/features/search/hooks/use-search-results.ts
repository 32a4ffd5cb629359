import { useEffect, useState } from "react";
import { ApiError } from "../../../lib/api-client";
import { findSimilarImages } from "../api/find-similar-images";
import { searchByImage } from "../api/search-by-image";
import { searchByText } from "../api/search-by-text";
import type { SearchResponse } from "../api/search-types";
import { commonParams, searchSource, type SearchState } from "../lib/search-state";

export type SearchResult =
  | { status: "idle" }
  | { status: "needs-upload" }
  | { status: "loading" }
  | { status: "success"; data: SearchResponse }
  | { status: "error"; message: string };

function run(state: SearchState, file: File | null, signal: AbortSignal) {
  const common = commonParams(state);
  switch (searchSource(state)) {
    case "similar":
      return findSimilarImages(
        { id: state.similarTo ?? "" },
        { ...common, mode: state.similarMode },
        signal,
      );
    case "upload": {
      const q = state.q.trim();
      return searchByImage(
        file as File,
        { ...common, q: q || undefined, mode: q ? "hybrid" : "image" },
        signal,
      );
    }
    default:
      return searchByText({ ...common, q: state.q.trim(), mode: state.mode }, signal);
  }
}

// The state without what does not change the results (the open detail view).
function requestKey(state: SearchState) {
  return JSON.stringify({ ...state, open: null });
}

/**
 * Runs the search a state describes (text, similar images or uploaded image) whenever the state,
 * the uploaded file or `attempt` (a retry) changes; an outdated request is aborted.
 */
export function useSearchResults(state: SearchState, file: File | null, attempt: number) {
  const [result, setResult] = useState<SearchResult>({ status: "idle" });
  const key = requestKey(state);

  useEffect(() => {
    const current = JSON.parse(key) as SearchState;
    const source = searchSource(current);
    if (source === "none") {
      setResult({ status: "idle" });
      return;
    }
    if (source === "upload" && !file) {
      setResult({ status: "needs-upload" });
      return;
    }
    const controller = new AbortController();
    setResult({ status: "loading" });
    run(current, file, controller.signal)
      .then((data) => setResult({ status: "success", data }))
      .catch((e: unknown) => {
        if (controller.signal.aborted) return;
        const message =
          e instanceof ApiError ? e.message : "Unexpected error while searching. Try again.";
        setResult({ status: "error", message });
      });
    return () => controller.abort();
  }, [key, file, attempt]);

  return result;
}
