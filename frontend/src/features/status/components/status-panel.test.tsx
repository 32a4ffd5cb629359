import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { StatusPanel } from "./status-panel";
import { ApiError } from "../../../lib/api-client";
import type { SystemStatus } from "../api/get-status";

const ready: SystemStatus = {
  database: { status: "up", version: "15.18", pgvector: "0.8.0" },
  model: { status: "none" }, // the API sends null for the absent fields
  corpus: { images: 0 },
};

afterEach(cleanup);

describe("StatusPanel", () => {
  it("shows the database and model status the backend reports", async () => {
    render(<StatusPanel load={() => Promise.resolve(ready)} />);
    expect(await screen.findByTestId("database-status")).toHaveProperty(
      "textContent",
      "connected (PostgreSQL 15.18, pgvector 0.8.0)",
    );
    expect(screen.getByTestId("model-status").textContent).toContain("no active model");
    expect(screen.getByTestId("corpus-status").textContent).toBe("0");
  });

  it("shows the server's detail message and retries on request", async () => {
    const load = vi
      .fn()
      .mockRejectedValueOnce(
        new ApiError(503, "Service Unavailable", "The database is not reachable."),
      )
      .mockResolvedValueOnce(ready);
    render(<StatusPanel load={load} />);
    expect((await screen.findByRole("alert")).textContent).toContain(
      "The database is not reachable.",
    );
    fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByTestId("database-status")).toBeTruthy();
    expect(load).toHaveBeenCalledTimes(2);
  });
});
