/**
 * Everything a search is, kept in the page's URL so that a search can be shared, reloaded, and
 * walked through with back/forward. Parameters equal to their default are left out of the URL.
 * Values are passed to the API as given (the API validates them and says what is wrong).
 */
export type TextMode = "text" | "vector" | "hybrid";
export type SimilarMode = "image" | "image_text";
export type Fusion = "linear" | "rrf";
export type Split = "train" | "validation" | "test";

export interface SearchState {
  /** Text query (text search, or the optional text of an upload search). */
  q: string;
  /** Mode of a text search. */
  mode: TextMode;
  /** Id of the image whose similar images are shown (null: not a similar-image search). */
  similarTo: string | null;
  similarMode: SimilarMode;
  /** Search by an uploaded image; the file itself stays in memory, never in the URL. */
  upload: boolean;
  /** Weight of the vector side in linear fusion, 0 (text order) to 1 (vector order). */
  alpha: number;
  fusion: Fusion;
  limit: number;
  offset: number;
  split: Split | null;
  hasCaption: boolean | null;
  /** Image shown in the detail view. */
  open: string | null;
}

export type SearchSource = "none" | "text" | "similar" | "upload";

export const DEFAULT_STATE: SearchState = {
  q: "",
  mode: "hybrid",
  similarTo: null,
  similarMode: "image",
  upload: false,
  alpha: 0.5,
  fusion: "linear",
  limit: 20,
  offset: 0,
  split: null,
  hasCaption: null,
  open: null,
};

const TEXT_MODES: readonly string[] = ["text", "vector", "hybrid"];
const SIMILAR_MODES: readonly string[] = ["image", "image_text"];
const SPLITS: readonly string[] = ["train", "validation", "test"];

export function searchSource(state: SearchState): SearchSource {
  if (state.similarTo) return "similar";
  if (state.upload) return "upload";
  return state.q.trim() ? "text" : "none";
}

function number(raw: string | null, fallback: number, parse: (s: string) => number) {
  if (raw === null || raw.trim() === "") return fallback;
  const value = parse(raw);
  return Number.isFinite(value) ? value : fallback;
}

/** Reads a state from a location's query string (`?q=...`); unknown values fall back to defaults. */
export function parseSearchState(search: string): SearchState {
  const p = new URLSearchParams(search);
  const mode = p.get("mode") ?? "";
  const similarTo = p.get("similar") || null;
  const split = p.get("split") ?? "";
  const hasCaption = p.get("hasCaption");
  const fusion = p.get("fusion");
  return {
    q: p.get("q") ?? "",
    mode: !similarTo && TEXT_MODES.includes(mode) ? (mode as TextMode) : DEFAULT_STATE.mode,
    similarTo,
    similarMode:
      similarTo && SIMILAR_MODES.includes(mode) ? (mode as SimilarMode) : DEFAULT_STATE.similarMode,
    upload: !similarTo && p.get("upload") === "1",
    alpha: number(p.get("alpha"), DEFAULT_STATE.alpha, Number),
    fusion: fusion === "rrf" ? "rrf" : "linear",
    limit: number(p.get("limit"), DEFAULT_STATE.limit, (s) => Number.parseInt(s, 10)),
    offset: number(p.get("offset"), DEFAULT_STATE.offset, (s) => Number.parseInt(s, 10)),
    split: SPLITS.includes(split) ? (split as Split) : null,
    hasCaption: hasCaption === "true" ? true : hasCaption === "false" ? false : null,
    open: p.get("open") || null,
  };
}

/** The query string of a state (`?q=...`, or "" for the empty state), defaults left out. */
export function formatSearchState(state: SearchState): string {
  const p = new URLSearchParams();
  const source = searchSource(state);
  if (state.similarTo) p.set("similar", state.similarTo);
  if (source === "upload") p.set("upload", "1");
  if (state.q && source !== "similar") p.set("q", state.q);
  if (source === "similar") {
    if (state.similarMode !== DEFAULT_STATE.similarMode) p.set("mode", state.similarMode);
  } else if (state.mode !== DEFAULT_STATE.mode) {
    p.set("mode", state.mode);
  }
  if (state.alpha !== DEFAULT_STATE.alpha) p.set("alpha", String(state.alpha));
  if (state.fusion !== DEFAULT_STATE.fusion) p.set("fusion", state.fusion);
  if (state.limit !== DEFAULT_STATE.limit) p.set("limit", String(state.limit));
  if (state.offset !== DEFAULT_STATE.offset) p.set("offset", String(state.offset));
  if (state.split) p.set("split", state.split);
  if (state.hasCaption !== null) p.set("hasCaption", String(state.hasCaption));
  if (state.open) p.set("open", state.open);
  const s = p.toString();
  return s ? `?${s}` : "";
}

/** The parameters a state sends to the API, shared by the three search endpoints. */
export function commonParams(state: SearchState) {
  return {
    alpha: state.alpha,
    fusion: state.fusion,
    limit: state.limit,
    offset: state.offset,
    split: state.split ?? undefined,
    hasCaption: state.hasCaption ?? undefined,
  };
}
