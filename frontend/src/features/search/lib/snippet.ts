/** A run of caption text, marked when the search matched it. */
export interface SnippetSegment {
  text: string;
  marked: boolean;
}

/**
 * Splits an API snippet on its `<mark>` / `</mark>` markers. Everything else is raw caption text
 * (it may itself contain `<`, `&` or tag-like text) and must be rendered as text, never as HTML.
 */
export function parseSnippet(snippet: string): SnippetSegment[] {
  const segments: SnippetSegment[] = [];
  let marked = false;
  for (const part of snippet.split(/(<mark>|<\/mark>)/)) {
    if (part === "<mark>") marked = true;
    else if (part === "</mark>") marked = false;
    else if (part) segments.push({ text: part, marked });
  }
  return segments;
}
