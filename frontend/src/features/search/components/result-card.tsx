import { useState } from "react";
import type { SearchHit } from "../api/search-types";
import type { SimilarMode } from "../lib/search-state";
import { thumbnailUrl } from "../../images/api/get-image";
import { HighlightedText } from "./highlighted-text";
import { ScoreList } from "./score-list";

export function altText(id: string | undefined, caption: string | null | undefined) {
  return caption?.trim() ? caption : `Image ${id ?? ""} (no caption)`;
}

/** One result: thumbnail (opens the detail view), rank, scores, caption and similar-image actions. */
export function ResultCard({
  hit,
  index,
  onOpen,
  onSimilar,
}: {
  hit: SearchHit;
  index: number;
  onOpen: (id: string) => void;
  onSimilar: (id: string, mode: SimilarMode) => void;
}) {
  const id = hit.id ?? "";
  const [broken, setBroken] = useState(false);
  return (
    <li className="result-card" data-testid="result">
      <button
        type="button"
        className="result-open"
        data-result-index={index}
        aria-label={`Result ${hit.rank}: open details of image ${id}`}
        onClick={() => onOpen(id)}
      >
        {broken ? (
          <span className="no-thumbnail">
            No preview
            <span className="visually-hidden">: {altText(id, hit.caption)}</span>
          </span>
        ) : (
          <img
            src={hit.thumbnailUrl ?? thumbnailUrl(id)}
            alt={altText(id, hit.caption)}
            loading="lazy"
            decoding="async"
            onError={() => setBroken(true)}
          />
        )}
      </button>
      <div className="result-body">
        <div className="result-meta">
          <span className="rank">#{hit.rank}</span>
          <ScoreList scores={hit.scores} />
        </div>
        <p className="caption">
          <HighlightedText snippet={hit.snippet} caption={hit.caption} />
        </p>
        <div className="result-actions">
          <button
            type="button"
            aria-label={`Similar images to ${id}`}
            onClick={() => onSimilar(id, "image")}
          >
            Similar images
          </button>
          <button
            type="button"
            aria-label={`Similar images and caption to ${id}`}
            onClick={() => onSimilar(id, "image_text")}
          >
            Similar + caption
          </button>
        </div>
      </div>
    </li>
  );
}
