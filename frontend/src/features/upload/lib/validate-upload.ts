/** What POST /api/search/image accepts (the backend refuses anything else with 413 or 415). */
export const UPLOAD_TYPES = ["image/jpeg", "image/png", "image/gif", "image/bmp"] as const;
export const UPLOAD_EXTENSIONS = [".jpg", ".jpeg", ".png", ".gif", ".bmp"] as const;
/** 10 MB = 10,485,760 bytes, the backend's limit. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
export const UPLOAD_LIMITS_TEXT = "JPEG, PNG, GIF or BMP, up to 10 MB.";

/** Why a file cannot be searched by, or null when it can; checked before anything is sent. */
export function validateUpload(file: File): string | null {
  const name = file.name.toLowerCase();
  const typeOk = file.type
    ? (UPLOAD_TYPES as readonly string[]).includes(file.type)
    : UPLOAD_EXTENSIONS.some((ext) => name.endsWith(ext));
  if (!typeOk) {
    return `“${file.name}” is not a JPEG, PNG, GIF or BMP image.`;
  }
  if (file.size === 0) {
    return `“${file.name}” is empty.`;
  }
  if (file.size > MAX_UPLOAD_BYTES) {
    const mb = (file.size / (1024 * 1024)).toFixed(1);
    return `“${file.name}” is ${mb} MB; the limit is 10 MB.`;
  }
  return null;
}
