import type { Scores } from "../api/search-types";

function format(value: number | null | undefined) {
  return value === null || value === undefined ? "–" : value.toFixed(3);
}

/** The text, vector and fused scores of a hit, compactly; a missing score (wrong mode) shows "–". */
export function ScoreList({ scores, wide = false }: { scores?: Scores; wide?: boolean }) {
  const rows: [string, string, number | null | undefined][] = [
    ["T", "text score (caption match)", scores?.text],
    ["V", "vector score (cosine similarity)", scores?.vector],
    ["F", "fused score (result order)", scores?.fused],
  ];
  return (
    <dl className={wide ? "scores scores-wide" : "scores"}>
      {rows.map(([short, long, value]) => (
        <div key={short}>
          <dt>{wide ? long : <abbr title={long}>{short}</abbr>}</dt>
          <dd>{format(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
