import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, getJson, postForm, toQueryString } from "./api-client";

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

describe("toQueryString", () => {
  it("leaves out undefined and null values and keeps zero and false", () => {
    expect(
      toQueryString({ q: "a b&c", mode: undefined, split: null, offset: 0, hasCaption: false }),
    ).toBe("?q=a+b%26c&offset=0&hasCaption=false");
    expect(toQueryString({})).toBe("");
  });
});

describe("postForm", () => {
  it("POSTs the form and reports a refused upload with the server's detail", async () => {
    const fetchMock = vi.fn().mockResolvedValue(
      new Response(
        JSON.stringify({ status: 413, detail: "The uploaded file is larger than 10 MB." }),
        {
          status: 413,
          headers: { "Content-Type": "application/problem+json" },
        },
      ),
    );
    vi.stubGlobal("fetch", fetchMock);
    const form = new FormData();
    form.set("mode", "image");
    const error = (await postForm("/api/search/image", form).catch((e: unknown) => e)) as ApiError;
    expect(fetchMock.mock.calls[0][1]).toMatchObject({ method: "POST", body: form });
    expect(error.status).toBe(413);
    expect(error.message).toBe("The uploaded file is larger than 10 MB.");
  });
});
