import { useEffect, useRef } from "react";
import type { SearchResult } from "../hooks/use-search-results";
import type { SimilarMode } from "../lib/search-state";
import { ResultGrid, ResultSkeletons } from "./result-grid";

/** Results of the current search: skeletons, error with retry, the grid, and paging. */
export function ResultsView({
  result,
  limit,
  offset,
  focusKey,
  onRetry,
  onOpen,
  onSimilar,
  onPage,
  onChooseUpload,
}: {
  result: SearchResult;
  limit: number;
  offset: number;
  /** Changes when a page button moved to another page: the heading then takes the focus. */
  focusKey: number;
  onRetry: () => void;
  onOpen: (id: string) => void;
  onSimilar: (id: string, mode: SimilarMode) => void;
  onPage: (offset: number) => void;
  onChooseUpload: () => void;
}) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const success = result.status === "success";
  useEffect(() => {
    if (focusKey > 0 && success) headingRef.current?.focus();
  }, [focusKey, success]);

  switch (result.status) {
    case "idle":
      return null;
    case "needs-upload":
      return (
        <section className="panel" aria-label="Results">
          <p>
            This address is a search by an uploaded image, and uploaded images are not kept. Choose
            the image again to repeat the search.
          </p>
          <button type="button" onClick={onChooseUpload}>
            Choose an image
          </button>
        </section>
      );
    case "loading":
      return <ResultSkeletons count={Math.min(Math.max(limit, 1), 12)} />;
    case "error":
      return (
        <section className="panel panel-error" role="alert" aria-label="Search error">
          <h2>The search did not work</h2>
          <p data-testid="error-detail">{result.message}</p>
          <button type="button" onClick={onRetry}>
            Retry
          </button>
        </section>
      );
  }
  const { items = [], hasMore = false } = result.data;
  const from = offset + 1;
  const to = offset + items.length;
  return (
    <section aria-labelledby="results-heading" className="results">
      <div className="results-header">
        <h2 id="results-heading" ref={headingRef} tabIndex={-1}>
          {items.length === 0
            ? offset > 0
              ? "No more results"
              : "No images match"
            : `Results ${from}–${to}`}
          {hasMore ? <span className="more"> · more available</span> : null}
        </h2>
      </div>
      {items.length === 0 && offset === 0 ? (
        <p className="muted">Try other words, another mode, or fewer filters.</p>
      ) : null}
      <ResultGrid hits={items} onOpen={onOpen} onSimilar={onSimilar} />
      {offset > 0 || hasMore ? (
        <nav className="pager" aria-label="Result pages">
          <button
            type="button"
            disabled={offset === 0}
            onClick={() => onPage(Math.max(0, offset - limit))}
          >
            ← Previous {limit}
          </button>
          <button type="button" disabled={!hasMore} onClick={() => onPage(offset + limit)}>
            Next {limit} →
          </button>
        </nav>
      ) : null}
    </section>
  );
}
