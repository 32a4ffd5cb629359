import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render } from "@testing-library/react";
import { parseSnippet } from "./snippet";
import { HighlightedText } from "../components/highlighted-text";

afterEach(cleanup);

describe("snippet highlighting", () => {
  it("splits on the <mark> markers only", () => {
    expect(parseSnippet("a <mark>nodule</mark> in <mark>lobe</mark>")).toEqual([
      { text: "a ", marked: false },
      { text: "nodule", marked: true },
      { text: " in ", marked: false },
      { text: "lobe", marked: true },
    ]);
  });

  it("never renders HTML from a caption: markup shows as text", () => {
    const snippet =
      'x <img src=x onerror="alert(1)"> <mark>nodule</mark> <b>bold</b> &amp; <script>1</script>';
    const { container } = render(
      <p>
        <HighlightedText snippet={snippet} />
      </p>,
    );
    const p = container.querySelector("p")!;
    expect(p.querySelector("img, b, script")).toBeNull();
    expect(Array.from(p.querySelectorAll("mark")).map((m) => m.textContent)).toEqual(["nodule"]);
    expect(p.textContent).toBe(
      'x <img src=x onerror="alert(1)"> nodule <b>bold</b> &amp; <script>1</script>',
    );
  });

  it("falls back to the raw caption, then to a no-caption note", () => {
    const { container, rerender } = render(<HighlightedText caption="<i>raw</i>" />);
    expect(container.querySelector("i")).toBeNull();
    expect(container.textContent).toBe("<i>raw</i>");
    rerender(<HighlightedText />);
    expect(container.textContent).toBe("No caption");
  });
});
