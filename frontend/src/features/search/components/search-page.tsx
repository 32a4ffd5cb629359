import { useCallback, useEffect, useRef, useState } from "react";
import { DropOverlay } from "../../upload/components/drop-overlay";
import { UploadPanel } from "../../upload/components/upload-panel";
import { validateUpload } from "../../upload/lib/validate-upload";
import { useSearchResults } from "../hooks/use-search-results";
import { useSearchUrl } from "../hooks/use-search-url";
import { DEFAULT_STATE, searchSource, type SimilarMode } from "../lib/search-state";
import { EmptyState } from "./empty-state";
import { ImageDetailDialog } from "./image-detail-dialog";
import { ResultsView } from "./results-view";
import { SearchForm } from "./search-form";
import { SimilarHeader } from "./similar-header";

function isEditable(target: EventTarget | null) {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLInputElement &&
      !["radio", "checkbox", "range", "button", "submit", "file"].includes(target.type))
  );
}

/** The search application: form, upload, results, detail view, all driven by the URL state. */
export function SearchPage() {
  const [state, navigate] = useSearchUrl();
  // The file an upload search ran with (kept for its next pages) and the one being prepared.
  const [searchFile, setSearchFile] = useState<File | null>(null);
  const [pendingFile, setPendingFile] = useState<File | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [uploadOpen, setUploadOpen] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const [pageMoves, setPageMoves] = useState(0);
  const result = useSearchResults(state, searchFile, attempt);
  const inputRef = useRef<HTMLInputElement>(null);
  const source = searchSource(state);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isEditable(event.target) || document.body.classList.contains("modal-open")) return;
      event.preventDefault();
      inputRef.current?.focus();
      inputRef.current?.select();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  const choose = useCallback((file: File) => {
    const error = validateUpload(file);
    setUploadError(error);
    setPendingFile(error ? null : file);
    setUploadOpen(true);
  }, []);

  const searchUpload = (text: string) => {
    if (!pendingFile) return;
    setSearchFile(pendingFile);
    navigate({
      ...DEFAULT_STATE,
      upload: true,
      q: text,
      alpha: state.alpha,
      fusion: state.fusion,
      limit: state.limit,
      split: state.split,
      hasCaption: state.hasCaption,
    });
  };

  const similar = useCallback(
    (id: string, mode: SimilarMode) => {
      navigate({
        ...DEFAULT_STATE,
        similarTo: id,
        similarMode: mode,
        alpha: state.alpha,
        fusion: state.fusion,
        limit: state.limit,
        split: state.split,
        hasCaption: state.hasCaption,
      });
      window.scrollTo?.({ top: 0 });
    },
    [navigate, state],
  );

  const open = useCallback(
    (id: string) => navigate({ ...state, open: id }, { replace: true }),
    [navigate, state],
  );
  const close = useCallback(
    () => navigate({ ...state, open: null }, { replace: true }),
    [navigate, state],
  );

  const hit =
    state.open && result.status === "success"
      ? ((result.data.items ?? []).find((h) => h.id === state.open) ?? null)
      : null;

  return (
    <>
      <DropOverlay onDrop={choose} />
      <div className="search-bar">
        <SearchForm
          state={state}
          inputRef={inputRef}
          onSearch={(next) => navigate(next)}
          onLeaveInput={() =>
            document.querySelector<HTMLElement>(".result-grid button.result-open")?.focus()
          }
        />
        <button
          type="button"
          className="upload-toggle"
          aria-expanded={uploadOpen}
          aria-controls="upload-region"
          onClick={() => setUploadOpen((v) => !v)}
        >
          Search by image
        </button>
      </div>
      <div id="upload-region">
        {uploadOpen ? (
          <UploadPanel
            file={pendingFile}
            error={uploadError}
            initialText={source === "upload" ? state.q : ""}
            onChoose={choose}
            onSearch={searchUpload}
            onClose={() => setUploadOpen(false)}
          />
        ) : null}
      </div>
      {source === "similar" && state.similarTo ? (
        <SimilarHeader
          id={state.similarTo}
          mode={state.similarMode}
          onOpen={open}
          onMode={(mode) => navigate({ ...state, similarMode: mode, offset: 0, open: null })}
        />
      ) : null}
      {source === "upload" && searchFile ? (
        <p className="context-line">
          Images similar to your image <span className="mono">{searchFile.name}</span>
          {state.q ? ` and the text “${state.q}”` : ""}
        </p>
      ) : null}
      {source === "none" ? (
        <EmptyState onExample={(q) => navigate({ ...DEFAULT_STATE, q })} />
      ) : (
        <ResultsView
          result={result}
          limit={state.limit}
          offset={state.offset}
          focusKey={pageMoves}
          onRetry={() => setAttempt((n) => n + 1)}
          onOpen={open}
          onSimilar={similar}
          onPage={(offset) => {
            setPageMoves((n) => n + 1);
            navigate({ ...state, offset, open: null });
          }}
          onChooseUpload={() => setUploadOpen(true)}
        />
      )}
      {state.open ? (
        <ImageDetailDialog id={state.open} hit={hit} onClose={close} onSimilar={similar} />
      ) : null}
    </>
  );
}
