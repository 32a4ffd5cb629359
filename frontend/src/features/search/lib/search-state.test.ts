import { describe, expect, it } from "vitest";
import {
  DEFAULT_STATE,
  formatSearchState,
  parseSearchState,
  searchSource,
  type SearchState,
} from "./search-state";

describe("search state in the URL", () => {
  it("leaves defaults out, so the empty state is the bare address", () => {
    expect(formatSearchState(DEFAULT_STATE)).toBe("");
    expect(parseSearchState("")).toEqual(DEFAULT_STATE);
  });

  it("round-trips every field of a text search", () => {
    const state: SearchState = {
      ...DEFAULT_STATE,
      q: "left lower lobe & <consolidation>",
      mode: "hybrid",
      alpha: 0.8,
      fusion: "rrf",
      limit: 50,
      offset: 100,
      split: "test",
      hasCaption: false,
      open: "ROCO_00012",
    };
    const url = formatSearchState(state);
    expect(url).toBe(
      "?q=left+lower+lobe+%26+%3Cconsolidation%3E&alpha=0.8&fusion=rrf&limit=50&offset=100" +
        "&split=test&hasCaption=false&open=ROCO_00012",
    );
    expect(parseSearchState(url)).toEqual(state);
  });

  it("round-trips similar-image and upload searches", () => {
    const similar: SearchState = {
      ...DEFAULT_STATE,
      similarTo: "img 7",
      similarMode: "image_text",
    };
    expect(formatSearchState(similar)).toBe("?similar=img+7&mode=image_text");
    expect(parseSearchState(formatSearchState(similar))).toEqual(similar);
    expect(searchSource(similar)).toBe("similar");

    const upload: SearchState = { ...DEFAULT_STATE, upload: true, q: "ct", offset: 20 };
    expect(formatSearchState(upload)).toBe("?upload=1&q=ct&offset=20");
    expect(parseSearchState(formatSearchState(upload))).toEqual(upload);
    expect(searchSource(upload)).toBe("upload");
  });

  it("keeps out-of-range numbers for the API to judge, and drops unknown words", () => {
    const state = parseSearchState("?q=x&limit=0&mode=bogus&fusion=nope&split=all&alpha=abc");
    expect(state.limit).toBe(0);
    expect(state.mode).toBe("hybrid");
    expect(state.fusion).toBe("linear");
    expect(state.split).toBeNull();
    expect(state.alpha).toBe(0.5);
    expect(searchSource(state)).toBe("text");
  });
});
