import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, getJson } from "./api-client";

afterEach(() => vi.unstubAllGlobals());

describe("getJson", () => {
  it("turns a problem+json answer into an ApiError carrying its detail", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn().mockResolvedValue(
        new Response(
          JSON.stringify({ title: "Bad Request", status: 400, detail: "limit must be 1..100" }),
          {
            status: 400,
            headers: { "Content-Type": "application/problem+json" },
          },
        ),
      ),
    );
    const error = await getJson("/api/x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).message).toBe("limit must be 1..100");
  });

  it("reports an unreachable server in words", async () => {
    vi.stubGlobal("fetch", vi.fn().mockRejectedValue(new TypeError("fetch failed")));
    const error = (await getJson("/api/x").catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(0);
    expect(error.message).toContain("could not be reached");
  });
});
