import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { SearchPage } from "./search-page";
import type { SearchHit, SearchResponse } from "../api/search-types";

function hit(rank: number, overrides: Partial<SearchHit> = {}): SearchHit {
  const id = `IMG_${rank}`;
  return {
    rank,
    id,
    split: "test",
    caption: `Caption ${rank}: chest radiograph`,
    snippet: `Caption ${rank}: <mark>chest</mark> radiograph`,
    width: 512,
    height: 400,
    scores: { text: 0.1, vector: 0.3, fused: 0.7 },
    thumbnailUrl: `/api/images/${id}/thumbnail`,
    ...overrides,
  };
}

function page(items: SearchHit[], hasMore = false, offset = 0): SearchResponse {
  return { mode: "hybrid", modelId: 1, limit: 20, offset, hasMore, items };
}

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "Content-Type": status < 400 ? "application/json" : "application/problem+json",
    },
  });
}

type Handler = (url: URL, init?: RequestInit) => Response | Promise<Response>;
let searchHandler: Handler;
const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
  const url = new URL(String(input), "http://localhost");
  if (url.pathname === "/api/status") {
    return json({ database: { status: "up" }, model: { status: "active" }, corpus: { images: 3 } });
  }
  return searchHandler(url, init);
});

function calls(path: string) {
  return fetchMock.mock.calls
    .map(([input, init]) => ({ url: new URL(String(input), "http://localhost"), init }))
    .filter((c) => c.url.pathname === path);
}

function lastQuery(path = "/api/search") {
  const all = calls(path);
  return Object.fromEntries(all[all.length - 1].url.searchParams);
}

function search(q: string) {
  fireEvent.change(screen.getByRole("searchbox"), { target: { value: q } });
  fireEvent.submit(screen.getByRole("search"));
}

beforeEach(() => {
  window.history.replaceState(null, "", "/");
  fetchMock.mockClear();
  searchHandler = () => json(page([hit(1), hit(2), hit(3)], true));
  vi.stubGlobal("fetch", fetchMock);
  vi.spyOn(window, "scrollTo").mockImplementation(() => {});
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("SearchPage", () => {
  it("shows example queries and the status panel before any search", async () => {
    render(<SearchPage />);
    expect(screen.getByRole("heading", { name: "Try an example" })).toBeTruthy();
    expect(await screen.findByTestId("database-status")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "axial CT of the abdomen" }));
    expect(await screen.findByText("Results 1–3")).toBeTruthy();
    expect(lastQuery()).toMatchObject({ q: "axial CT of the abdomen", mode: "hybrid" });
  });

  it("searches, shows ranks, scores and highlighted captions, and puts the search in the URL", async () => {
    render(<SearchPage />);
    search("chest");
    expect(await screen.findByText("Results 1–3")).toBeTruthy();
    expect(screen.getByText("· more available")).toBeTruthy();
    expect(window.location.search).toBe("?q=chest");
    const cards = screen.getAllByTestId("result");
    expect(cards).toHaveLength(3);
    expect(cards[0].querySelector("mark")?.textContent).toBe("chest");
    expect(cards[0].querySelector("img")?.getAttribute("alt")).toBe("Caption 1: chest radiograph");
    expect(cards[0].textContent).toContain("#1");
    expect(cards[0].querySelector(".scores")?.textContent).toBe("T0.100V0.300F0.700");
  });

  it("sends the mode, alpha and fusion the hybrid controls are set to", async () => {
    render(<SearchPage />);
    fireEvent.change(screen.getByRole("slider", { name: "Text ↔ image weight" }), {
      target: { value: "0.8" },
    });
    search("effusion");
    await screen.findByText("Results 1–3");
    expect(lastQuery()).toEqual({
      q: "effusion",
      mode: "hybrid",
      alpha: "0.8",
      fusion: "linear",
      limit: "20",
      offset: "0",
    });
    expect(window.location.search).toBe("?q=effusion&alpha=0.8");

    fireEvent.click(screen.getByRole("radio", { name: "Reciprocal rank" }));
    expect(
      (screen.getByRole("slider", { name: "Text ↔ image weight" }) as HTMLInputElement).disabled,
    ).toBe(true);
    fireEvent.change(screen.getByRole("combobox", { name: "Split" }), {
      target: { value: "train" },
    });
    fireEvent.change(screen.getByRole("combobox", { name: "Caption" }), {
      target: { value: "true" },
    });
    fireEvent.submit(screen.getByRole("search"));
    await waitFor(() => expect(lastQuery().fusion).toBe("rrf"));
    expect(lastQuery()).toMatchObject({ split: "train", hasCaption: "true" });

    fireEvent.click(screen.getByRole("radio", { name: "Caption text" }));
    expect(screen.queryByRole("slider")).toBeNull();
    fireEvent.submit(screen.getByRole("search"));
    await waitFor(() => expect(lastQuery().mode).toBe("text"));
  });

  it("shows the API's detail on an error and retries", async () => {
    window.history.replaceState(null, "", "/?q=chest&limit=0");
    let fail = true;
    searchHandler = () =>
      fail
        ? json(
            {
              title: "Bad Request",
              status: 400,
              detail: "limit must be an integer between 1 and 100, got '0'.",
            },
            400,
          )
        : json(page([hit(1)]));
    render(<SearchPage />);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("limit must be an integer between 1 and 100, got '0'.");
    fail = false;
    fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByText("Results 1–1")).toBeTruthy();
    expect(calls("/api/search")).toHaveLength(2);
  });

  it("restores searches on back and forward, and reloads a shared URL", async () => {
    render(<SearchPage />);
    search("first");
    await screen.findByText("Results 1–3");
    search("second");
    await waitFor(() => expect(lastQuery().q).toBe("second"));
    expect(window.location.search).toBe("?q=second");

    await act(async () => {
      window.history.back();
      await new Promise((r) => setTimeout(r, 50));
    });
    await waitFor(() => expect(window.location.search).toBe("?q=first"));
    await waitFor(() => expect(lastQuery().q).toBe("first"));
    expect((screen.getByRole("searchbox") as HTMLInputElement).value).toBe("first");

    await act(async () => {
      window.history.forward();
      await new Promise((r) => setTimeout(r, 50));
    });
    await waitFor(() => expect(lastQuery().q).toBe("second"));

    cleanup();
    window.history.replaceState(null, "", "/?q=shared&mode=vector&offset=20&split=validation");
    render(<SearchPage />);
    await waitFor(() =>
      expect(lastQuery()).toMatchObject({
        q: "shared",
        mode: "vector",
        offset: "20",
        split: "validation",
      }),
    );
    expect((screen.getByRole("radio", { name: "Vector" }) as HTMLInputElement).checked).toBe(true);
  });

  it("pages with the next and previous buttons", async () => {
    searchHandler = (url) => {
      const offset = Number(url.searchParams.get("offset"));
      return json(page([hit(offset + 1), hit(offset + 2)], offset === 0, offset));
    };
    render(<SearchPage />);
    search("chest");
    await screen.findByText("Results 1–2");
    fireEvent.click(screen.getByRole("button", { name: "Next 20 →" }));
    expect(await screen.findByText("Results 21–22")).toBeTruthy();
    expect(window.location.search).toBe("?q=chest&offset=20");
    expect((screen.getByRole("button", { name: "Next 20 →" }) as HTMLButtonElement).disabled).toBe(
      true,
    );
    fireEvent.click(screen.getByRole("button", { name: "← Previous 20" }));
    expect(await screen.findByText("Results 1–2")).toBeTruthy();
  });

  it("moves through results with the arrow keys, opens with Enter, closes with Esc", async () => {
    render(<SearchPage />);
    fireEvent.keyDown(document.body, { key: "/" });
    expect(document.activeElement).toBe(screen.getByRole("searchbox"));
    search("chest");
    await screen.findByText("Results 1–3");

    fireEvent.keyDown(screen.getByRole("searchbox"), { key: "ArrowDown" });
    const first = screen.getByRole("button", { name: /Result 1:/ });
    expect(document.activeElement).toBe(first);
    fireEvent.keyDown(first, { key: "ArrowRight" });
    const second = screen.getByRole("button", { name: /Result 2:/ });
    expect(document.activeElement).toBe(second);
    fireEvent.keyDown(second, { key: "End" });
    expect(document.activeElement).toBe(screen.getByRole("button", { name: /Result 3:/ }));
    fireEvent.keyDown(document.activeElement!, { key: "ArrowLeft" });
    expect(document.activeElement).toBe(second);

    fireEvent.click(second); // what Enter on a focused button does
    const dialog = await screen.findByRole("dialog", { name: "Image IMG_2" });
    expect(window.location.search).toBe("?q=chest&open=IMG_2");
    expect(dialog.querySelector("img")?.getAttribute("src")).toBe("/api/images/IMG_2/file");
    expect(dialog.textContent).toContain("512 × 400 px");
    expect(dialog.textContent).toContain("fused score (result order)0.700");
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Close details" }));

    fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(window.location.search).toBe("?q=chest");
    expect(document.activeElement).toBe(second);
  });

  it("asks for similar images in both modes", async () => {
    render(<SearchPage />);
    search("chest");
    await screen.findByText("Results 1–3");
    fireEvent.click(screen.getByRole("button", { name: "Similar images to IMG_2" }));
    await waitFor(() => expect(calls("/api/images/IMG_2/similar")).toHaveLength(1));
    expect(lastQuery("/api/images/IMG_2/similar")).toMatchObject({ mode: "image" });
    expect(window.location.search).toBe("?similar=IMG_2");
    expect(await screen.findByRole("heading", { name: "Images similar to IMG_2" })).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "Similar images and caption to IMG_3" }));
    await waitFor(() => expect(calls("/api/images/IMG_3/similar")).toHaveLength(1));
    expect(lastQuery("/api/images/IMG_3/similar")).toMatchObject({ mode: "image_text" });
    expect(window.location.search).toBe("?similar=IMG_3&mode=image_text");
  });

  it("checks an upload's type and size before sending, then searches by the image", async () => {
    render(<SearchPage />);
    fireEvent.click(screen.getByRole("button", { name: "Search by image" }));
    expect(screen.getByText(/JPEG, PNG, GIF or BMP, up to 10 MB/)).toBeTruthy();
    const input = screen.getByLabelText("Choose an image…") as HTMLInputElement;

    fireEvent.change(input, {
      target: { files: [new File(["hello"], "notes.txt", { type: "text/plain" })] },
    });
    expect(screen.getByRole("alert").textContent).toContain("not a JPEG, PNG, GIF or BMP");
    const big = new File(["x"], "huge.png", { type: "image/png" });
    Object.defineProperty(big, "size", { value: 11 * 1024 * 1024 });
    fireEvent.change(input, { target: { files: [big] } });
    expect(screen.getByRole("alert").textContent).toContain("the limit is 10 MB");
    expect(
      (screen.getByRole("button", { name: "Search by this image" }) as HTMLButtonElement).disabled,
    ).toBe(true);
    expect(calls("/api/search/image")).toHaveLength(0);

    const good = new File([new Uint8Array([137, 80, 78, 71])], "scan.png", { type: "image/png" });
    fireEvent.change(input, { target: { files: [good] } });
    expect(screen.queryByRole("alert")).toBeNull();
    fireEvent.change(screen.getByLabelText(/Optional text/), { target: { value: "lung" } });
    fireEvent.click(screen.getByRole("button", { name: "Search by this image" }));
    await screen.findByText("Results 1–3");
    const [call] = calls("/api/search/image");
    expect(call.init?.method).toBe("POST");
    const form = call.init?.body as FormData;
    expect((form.get("file") as File).name).toBe("scan.png");
    expect(form.get("q")).toBe("lung");
    expect(form.get("mode")).toBe("hybrid");
    expect(window.location.search).toBe("?upload=1&q=lung");
  });

  it("takes an image dropped anywhere on the page", async () => {
    render(<SearchPage />);
    const good = new File(["x"], "drop.jpg", { type: "image/jpeg" });
    const dataTransfer = { types: ["Files"], files: [good], dropEffect: "none" };
    fireEvent.dragEnter(window, { dataTransfer });
    expect(screen.getByText(/Drop an image to search by it/)).toBeTruthy();
    fireEvent.drop(window, { dataTransfer });
    expect(screen.queryByText(/Drop an image to search by it/)).toBeNull();
    expect(screen.getByText("drop.jpg")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Search by this image" }));
    await screen.findByText("Results 1–3");
    const form = calls("/api/search/image")[0].init?.body as FormData;
    expect(form.get("mode")).toBe("image");
    expect(form.get("q")).toBeNull();
  });
});
