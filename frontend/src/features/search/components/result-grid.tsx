import type { KeyboardEvent } from "react";
import type { SearchHit } from "../api/search-types";
import type { SimilarMode } from "../lib/search-state";
import { ResultCard } from "./result-card";

// Cards per row, from their layout (1 when there is no layout, e.g. in tests without CSS).
function columns(buttons: HTMLElement[]) {
  const boxes = buttons.map((b) => b.getBoundingClientRect());
  if (boxes.length === 0 || boxes[0].width === 0) return 1;
  return Math.max(1, boxes.filter((box) => box.top === boxes[0].top).length);
}

/**
 * The results as a responsive grid. Arrow keys move the focus between results (left/right by one,
 * up/down by a row, Home/End), Enter opens the focused one.
 */
export function ResultGrid({
  hits,
  onOpen,
  onSimilar,
}: {
  hits: SearchHit[];
  onOpen: (id: string) => void;
  onSimilar: (id: string, mode: SimilarMode) => void;
}) {
  const onKeyDown = (event: KeyboardEvent<HTMLOListElement>) => {
    const target = event.target as HTMLElement;
    const card = target.closest(".result-card");
    if (!card) return;
    const buttons = Array.from(
      event.currentTarget.querySelectorAll<HTMLElement>("button.result-open"),
    );
    const from = buttons.indexOf(card.querySelector<HTMLElement>("button.result-open")!);
    let to: number;
    switch (event.key) {
      case "ArrowRight":
        to = from + 1;
        break;
      case "ArrowLeft":
        to = from - 1;
        break;
      case "ArrowDown":
        to = from + columns(buttons);
        break;
      case "ArrowUp":
        to = from - columns(buttons);
        break;
      case "Home":
        to = 0;
        break;
      case "End":
        to = buttons.length - 1;
        break;
      default:
        return;
    }
    event.preventDefault();
    buttons[Math.min(Math.max(to, 0), buttons.length - 1)]?.focus();
  };

  return (
    <ol className="result-grid" aria-label="Results" onKeyDown={onKeyDown}>
      {hits.map((hit, i) => (
        <ResultCard key={hit.id} hit={hit} index={i} onOpen={onOpen} onSimilar={onSimilar} />
      ))}
    </ol>
  );
}

/** Grey placeholders shaped like result cards while a search runs. */
export function ResultSkeletons({ count }: { count: number }) {
  return (
    <>
      <p role="status" className="visually-hidden">
        Searching…
      </p>
      <ul className="result-grid" aria-hidden="true" data-testid="skeletons">
        {Array.from({ length: count }, (_, i) => (
          <li key={i} className="result-card skeleton">
            <div className="skeleton-image" />
            <div className="result-body">
              <div className="skeleton-line" />
              <div className="skeleton-line short" />
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
