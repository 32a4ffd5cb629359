import { useState, type FormEvent, type KeyboardEvent, type Ref } from "react";
import {
  DEFAULT_STATE,
  formatSearchState,
  type Fusion,
  type SearchState,
  type Split,
  type TextMode,
} from "../lib/search-state";

const MODES: [TextMode, string, string][] = [
  ["text", "Caption text", "full-text search of the captions"],
  ["vector", "Vector", "CLIP similarity of the text and the images"],
  ["hybrid", "Hybrid", "both, fused"],
];
const LIMITS = [10, 20, 50, 100];

export interface SearchDraft {
  q: string;
  mode: TextMode;
  alpha: number;
  fusion: Fusion;
  limit: number;
  split: Split | null;
  hasCaption: boolean | null;
}

function draftOf(state: SearchState): SearchDraft {
  const { q, mode, alpha, fusion, limit, split, hasCaption } = state;
  return { q, mode, alpha, fusion, limit, split, hasCaption };
}

/** The text search state a submitted draft asks for (first page, no detail view). */
export function stateOfDraft(draft: SearchDraft): SearchState {
  return { ...DEFAULT_STATE, ...draft, q: draft.q.trim() };
}

/**
 * Query box, mode switch, hybrid controls (alpha, fusion) and filters. Edits stay in a draft
 * until the search is submitted (Enter or the Search button); a new URL state resets the draft.
 */
export function SearchForm({
  state,
  onSearch,
  inputRef,
  onLeaveInput,
}: {
  state: SearchState;
  onSearch: (next: SearchState) => void;
  inputRef?: Ref<HTMLInputElement>;
  onLeaveInput?: () => void;
}) {
  const [draft, setDraft] = useState(() => draftOf(state));
  // Another search (not just the detail view opening or closing) resets the draft.
  const searchKey = formatSearchState({ ...state, open: null });
  const [shownKey, setShownKey] = useState(searchKey);
  const [empty, setEmpty] = useState(false);
  if (shownKey !== searchKey) {
    setShownKey(searchKey);
    setDraft(draftOf(state));
  }
  const update = (patch: Partial<SearchDraft>) => setDraft((d) => ({ ...d, ...patch }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!draft.q.trim()) {
      setEmpty(true);
      return;
    }
    setEmpty(false);
    onSearch(stateOfDraft(draft));
  };

  const onInputKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "ArrowDown" && onLeaveInput) {
      event.preventDefault();
      onLeaveInput();
    }
  };

  const limits = LIMITS.includes(draft.limit) ? LIMITS : [...LIMITS, draft.limit];

  return (
    <form role="search" className="search-form" onSubmit={submit} noValidate>
      <div className="query-row">
        <label htmlFor="search-q" className="visually-hidden">
          Describe the figure you are looking for
        </label>
        <input
          id="search-q"
          ref={inputRef}
          type="search"
          name="q"
          value={draft.q}
          placeholder="Describe a figure, e.g. chest radiograph with pleural effusion"
          autoComplete="off"
          maxLength={1000}
          aria-describedby="search-hint"
          aria-invalid={empty || undefined}
          onChange={(e) => update({ q: e.target.value })}
          onKeyDown={onInputKeyDown}
        />
        <button type="submit" className="primary">
          Search
        </button>
      </div>
      <p id="search-hint" className={empty ? "hint hint-error" : "hint"}>
        {empty
          ? "Type a description to search."
          : "Press / to search from anywhere, ↑↓←→ to move through results, Enter to open one."}
      </p>

      <div className="controls">
        <fieldset className="segmented">
          <legend>Mode</legend>
          {MODES.map(([value, label, title]) => (
            <label key={value} title={title}>
              <input
                type="radio"
                name="mode"
                value={value}
                checked={draft.mode === value}
                onChange={() => update({ mode: value })}
              />
              <span>{label}</span>
            </label>
          ))}
        </fieldset>

        {draft.mode === "hybrid" && (
          <fieldset className="hybrid-controls">
            <legend>Hybrid fusion</legend>
            <label className="radio">
              <input
                type="radio"
                name="fusion"
                value="linear"
                checked={draft.fusion === "linear"}
                onChange={() => update({ fusion: "linear" })}
              />
              Linear blend
            </label>
            <label className="radio">
              <input
                type="radio"
                name="fusion"
                value="rrf"
                checked={draft.fusion === "rrf"}
                onChange={() => update({ fusion: "rrf" })}
              />
              Reciprocal rank
            </label>
            <div className="alpha">
              <label htmlFor="search-alpha">Text ↔ image weight</label>
              <div className="alpha-row">
                <span aria-hidden="true">text</span>
                <input
                  id="search-alpha"
                  type="range"
                  min={0}
                  max={1}
                  step={0.05}
                  value={draft.alpha}
                  disabled={draft.fusion === "rrf"}
                  aria-valuetext={`${Math.round(draft.alpha * 100)}% image (vector), ${Math.round((1 - draft.alpha) * 100)}% text`}
                  aria-describedby="alpha-note"
                  onChange={(e) => update({ alpha: Number(e.target.value) })}
                />
                <span aria-hidden="true">image</span>
                <output htmlFor="search-alpha">{draft.alpha.toFixed(2)}</output>
              </div>
              <p id="alpha-note" className="hint">
                {draft.fusion === "rrf"
                  ? "Reciprocal rank fusion weighs both sides equally; the weight applies to the linear blend."
                  : "alpha: 0 orders by caption text, 1 by image (vector) similarity."}
              </p>
            </div>
          </fieldset>
        )}

        <fieldset className="filters">
          <legend>Results and filters</legend>
          <label>
            Per page
            <select
              name="limit"
              value={draft.limit}
              onChange={(e) => update({ limit: Number(e.target.value) })}
            >
              {limits.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <label>
            Split
            <select
              name="split"
              value={draft.split ?? ""}
              onChange={(e) => update({ split: (e.target.value || null) as Split | null })}
            >
              <option value="">any</option>
              <option value="train">train</option>
              <option value="validation">validation</option>
              <option value="test">test</option>
            </select>
          </label>
          <label>
            Caption
            <select
              name="hasCaption"
              value={draft.hasCaption === null ? "" : String(draft.hasCaption)}
              onChange={(e) =>
                update({ hasCaption: e.target.value === "" ? null : e.target.value === "true" })
              }
            >
              <option value="">any</option>
              <option value="true">with caption</option>
              <option value="false">without caption</option>
            </select>
          </label>
        </fieldset>
      </div>
    </form>
  );
}
