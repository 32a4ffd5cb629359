import { thumbnailUrl } from "../../images/api/get-image";
import type { SimilarMode } from "../lib/search-state";

/** What a similar-image search is about, with a switch between its two modes. */
export function SimilarHeader({
  id,
  mode,
  onMode,
  onOpen,
}: {
  id: string;
  mode: SimilarMode;
  onMode: (mode: SimilarMode) => void;
  onOpen: (id: string) => void;
}) {
  return (
    <section className="panel context-header" aria-label="Similar-image search">
      <button
        type="button"
        className="context-thumb"
        aria-label={`Open details of image ${id}`}
        onClick={() => onOpen(id)}
      >
        <img src={thumbnailUrl(id)} alt="" />
      </button>
      <div>
        <h2>
          Images similar to <span className="mono">{id}</span>
        </h2>
        <div className="segmented" role="group" aria-label="Similarity">
          <button type="button" aria-pressed={mode === "image"} onClick={() => onMode("image")}>
            Image only
          </button>
          <button
            type="button"
            aria-pressed={mode === "image_text"}
            onClick={() => onMode("image_text")}
          >
            Image + caption
          </button>
        </div>
      </div>
    </section>
  );
}
