import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { ApiError } from "../../../lib/api-client";
import { fileUrl, getImage, type ImageInfo } from "../../images/api/get-image";
import type { SearchHit } from "../api/search-types";
import type { SimilarMode } from "../lib/search-state";
import { HighlightedText } from "./highlighted-text";
import { altText } from "./result-card";
import { ScoreList } from "./score-list";

type Loaded = { id: string; image: ImageInfo } | { id: string; error: string };

/**
 * The detail view of one image: full image, caption, id, split, size, its scores for the current
 * search (when it is one of the results) and the two similar-image actions. Esc or the close button
 * closes it; the focus stays inside while it is open and returns where it was.
 */
export function ImageDetailDialog({
  id,
  hit,
  onClose,
  onSimilar,
}: {
  id: string;
  hit: SearchHit | null;
  onClose: () => void;
  onSimilar: (id: string, mode: SimilarMode) => void;
}) {
  const dialogRef = useRef<HTMLDivElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const [loaded, setLoaded] = useState<Loaded | null>(null);

  // Metadata from the API when the image is not among the current results (e.g. a shared URL).
  useEffect(() => {
    if (hit) return;
    const controller = new AbortController();
    getImage({ id }, controller.signal)
      .then((image) => setLoaded({ id, image }))
      .catch((e: unknown) => {
        if (controller.signal.aborted) return;
        setLoaded({ id, error: e instanceof ApiError ? e.message : "Could not load the image." });
      });
    return () => controller.abort();
  }, [id, hit]);

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    closeRef.current?.focus();
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key === "Escape") {
        event.preventDefault();
        onClose();
      }
    };
    document.addEventListener("keydown", onKey);
    document.body.classList.add("modal-open");
    return () => {
      document.removeEventListener("keydown", onKey);
      document.body.classList.remove("modal-open");
      previous?.focus?.();
    };
  }, [onClose]);

  // Keeps Tab inside the dialog.
  const trapFocus = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== "Tab" || !dialogRef.current) return;
    const focusable = Array.from(
      dialogRef.current.querySelectorAll<HTMLElement>("button:not([disabled]), a[href]"),
    );
    if (focusable.length === 0) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  const info = loaded && loaded.id === id && "image" in loaded ? loaded.image : null;
  const error = loaded && loaded.id === id && "error" in loaded ? loaded.error : null;
  const caption = hit ? hit.caption : info?.caption;
  const split = hit?.split ?? info?.split;
  const width = hit?.width ?? info?.width;
  const height = hit?.height ?? info?.height;

  return (
    <div
      className="dialog-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div
        ref={dialogRef}
        role="dialog"
        aria-modal="true"
        aria-labelledby="detail-title"
        className="dialog"
        onKeyDown={trapFocus}
      >
        <div className="dialog-header">
          <h2 id="detail-title">Image {id}</h2>
          <button ref={closeRef} type="button" onClick={onClose} aria-label="Close details">
            Close
          </button>
        </div>
        {error ? (
          <p role="alert" className="error-text">
            {error}
          </p>
        ) : null}
        <div className="dialog-body">
          <img className="detail-image" src={fileUrl(id)} alt={altText(id, caption)} />
          <div className="detail-info">
            <p className="caption">
              <HighlightedText snippet={hit?.snippet} caption={caption} />
            </p>
            <dl className="detail-list">
              <dt>Id</dt>
              <dd>{id}</dd>
              <dt>Split</dt>
              <dd>{split ?? "–"}</dd>
              <dt>Size</dt>
              <dd>{width && height ? `${width} × ${height} px` : "–"}</dd>
              {hit ? (
                <>
                  <dt>Rank</dt>
                  <dd>{hit.rank}</dd>
                </>
              ) : null}
            </dl>
            {hit ? (
              <>
                <h3>Scores for this search</h3>
                <ScoreList scores={hit.scores} wide />
              </>
            ) : (
              <p className="muted">Not among the current results: no scores for this search.</p>
            )}
            <div className="result-actions">
              <button type="button" onClick={() => onSimilar(id, "image")}>
                Similar images
              </button>
              <button type="button" onClick={() => onSimilar(id, "image_text")}>
                Similar images + caption
              </button>
            </div>
          </div>
        </div>
      </div>
    </div>
  );
}
