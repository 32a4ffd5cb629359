import { StatusPanel } from "../../status/components/status-panel";

export const EXAMPLE_QUERIES = [
  "chest radiograph with pleural effusion",
  "axial CT of the abdomen",
  "brain MRI lesion",
  "histology micrograph H&E stain",
  "ultrasound of the liver",
];

/** The page before any search: example queries to start from, and the service status. */
export function EmptyState({ onExample }: { onExample: (q: string) => void }) {
  return (
    <div className="empty-state">
      <section className="panel" aria-labelledby="examples-title">
        <h2 id="examples-title">Try an example</h2>
        <ul className="examples">
          {EXAMPLE_QUERIES.map((q) => (
            <li key={q}>
              <button type="button" onClick={() => onExample(q)}>
                {q}
              </button>
            </li>
          ))}
        </ul>
        <p className="muted">
          Or search by an image of your own: choose one with “Search by image”, or drop it anywhere
          on the page.
        </p>
      </section>
      <StatusPanel />
    </div>
  );
}
