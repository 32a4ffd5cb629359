import { describe, expect, it } from "vitest";
import { MAX_UPLOAD_BYTES, validateUpload } from "./validate-upload";

function file(name: string, type: string, size: number) {
  const f = new File(["x"], name, { type });
  Object.defineProperty(f, "size", { value: size });
  return f;
}

describe("validateUpload", () => {
  it("accepts JPEG, PNG, GIF and BMP up to 10 MB", () => {
    for (const [name, type] of [
      ["a.jpg", "image/jpeg"],
      ["a.png", "image/png"],
      ["a.gif", "image/gif"],
      ["a.bmp", "image/bmp"],
    ]) {
      expect(validateUpload(file(name, type, MAX_UPLOAD_BYTES))).toBeNull();
    }
  });

  it("refuses other types, also by extension when the browser gives no type", () => {
    expect(validateUpload(file("scan.tiff", "image/tiff", 10))).toContain("not a JPEG");
    expect(validateUpload(file("notes.txt", "", 10))).toContain("not a JPEG");
    expect(validateUpload(file("x.PNG", "", 10))).toBeNull();
  });

  it("refuses files over 10 MB and empty files", () => {
    expect(validateUpload(file("big.png", "image/png", MAX_UPLOAD_BYTES + 1))).toContain(
      "the limit is 10 MB",
    );
    expect(validateUpload(file("empty.png", "image/png", 0))).toContain("empty");
  });
});
