import { Fragment } from "react";
import { parseSnippet } from "../lib/snippet";

/**
 * A caption with the terms the search matched highlighted. The snippet's text is rendered as
 * React text nodes only, so markup inside a caption is shown, never interpreted.
 */
export function HighlightedText({
  snippet,
  caption,
}: {
  snippet?: string | null;
  caption?: string | null;
}) {
  if (snippet) {
    return (
      <>
        {parseSnippet(snippet).map((segment, i) =>
          segment.marked ? (
            <mark key={i}>{segment.text}</mark>
          ) : (
            <Fragment key={i}>{segment.text}</Fragment>
          ),
        )}
      </>
    );
  }
  if (caption) return <>{caption}</>;
  return <span className="muted">No caption</span>;
}
