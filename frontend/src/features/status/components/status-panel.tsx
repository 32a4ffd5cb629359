import { useCallback, useEffect, useState } from "react";
import { ApiError } from "../../../lib/api-client";
import { getStatus, type SystemStatus } from "../api/get-status";

type State =
  | { kind: "loading" }
  | { kind: "loaded"; status: SystemStatus }
  | { kind: "error"; message: string };

/** Empty-state page: shows whether the database and a model are ready, with a retry on failure. */
export function StatusPanel({ load = getStatus }: { load?: typeof getStatus }) {
  const [state, setState] = useState<State>({ kind: "loading" });

  const refresh = useCallback(() => {
    const controller = new AbortController();
    setState({ kind: "loading" });
    load(controller.signal)
      .then((status) => setState({ kind: "loaded", status }))
      .catch((e: unknown) => {
        if (controller.signal.aborted) return;
        const message =
          e instanceof ApiError ? e.message : "Unexpected error while loading the status.";
        setState({ kind: "error", message });
      });
    return controller;
  }, [load]);

  useEffect(() => {
    const controller = refresh();
    return () => controller.abort();
  }, [refresh]);

  if (state.kind === "loading") {
    return (
      <section aria-busy="true" aria-label="System status" className="panel">
        <p>Checking the search service…</p>
      </section>
    );
  }
  if (state.kind === "error") {
    return (
      <section aria-label="System status" className="panel panel-error" role="alert">
        <p>{state.message}</p>
        <button type="button" onClick={() => refresh()}>
          Retry
        </button>
      </section>
    );
  }
  const { database = {}, model = {}, corpus = {} } = state.status;
  const ready = database.status === "up" && model.status === "active" && (corpus.images ?? 0) > 0;
  return (
    <section aria-label="System status" className="panel">
      <h2>{ready ? "Search service" : "Search is not ready yet"}</h2>
      <p>
        {ready
          ? "Ready to search. This is what the service reports:"
          : "Searches need a database, an active model and an ingested corpus. This is what the service reports:"}
      </p>
      <dl className="status-list">
        <dt>Database</dt>
        <dd data-testid="database-status">
          {database.status === "up"
            ? `connected (PostgreSQL ${database.version ?? "?"}, pgvector ${database.pgvector ?? "missing"})`
            : `unavailable: ${database.detail ?? "unknown cause"}`}
        </dd>
        <dt>Model</dt>
        <dd data-testid="model-status">
          {model.status === "active"
            ? `${model.name} (${model.dimension}-d vectors)`
            : "no active model: train one, then ingest a corpus"}
        </dd>
        <dt>Images</dt>
        <dd data-testid="corpus-status">{corpus.images ?? "unknown"}</dd>
      </dl>
    </section>
  );
}
