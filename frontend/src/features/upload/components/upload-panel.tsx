import { useEffect, useState, type FormEvent } from "react";
import { UPLOAD_LIMITS_TEXT, UPLOAD_TYPES } from "../lib/validate-upload";

function usePreviewUrl(file: File | null) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!file || typeof URL.createObjectURL !== "function") {
      setUrl(null);
      return;
    }
    const objectUrl = URL.createObjectURL(file);
    setUrl(objectUrl);
    return () => URL.revokeObjectURL(objectUrl);
  }, [file]);
  return url;
}

/**
 * Search by an image of one's own: the limits are stated before anything is chosen; a chosen (or
 * dropped) file is checked, previewed, and searched with optional text.
 */
export function UploadPanel({
  file,
  error,
  initialText,
  onChoose,
  onSearch,
  onClose,
}: {
  file: File | null;
  error: string | null;
  initialText: string;
  onChoose: (file: File) => void;
  onSearch: (text: string) => void;
  onClose: () => void;
}) {
  const [text, setText] = useState(initialText);
  const preview = usePreviewUrl(file);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (file) onSearch(text.trim());
  };

  return (
    <section className="panel upload-panel" aria-labelledby="upload-title">
      <div className="dialog-header">
        <h2 id="upload-title">Search by an image</h2>
        <button type="button" onClick={onClose}>
          Hide
        </button>
      </div>
      <p id="upload-limits">
        {UPLOAD_LIMITS_TEXT} You can also drop an image anywhere on the page. The image is only used
        for this search.
      </p>
      <form className="upload-form" onSubmit={submit}>
        <div className="upload-choose">
          <label className="file-button">
            <input
              type="file"
              accept={UPLOAD_TYPES.join(",")}
              aria-describedby="upload-limits"
              onChange={(e) => {
                const chosen = e.target.files?.[0];
                if (chosen) onChoose(chosen);
                e.target.value = "";
              }}
            />
            <span>Choose an image…</span>
          </label>
          {file && !error ? <span className="file-name">{file.name}</span> : null}
        </div>
        {error ? (
          <p role="alert" className="error-text">
            {error}
          </p>
        ) : null}
        {file && !error && preview ? (
          <img
            className="upload-preview"
            src={preview}
            alt={`Preview of ${file.name}, the image to search by`}
          />
        ) : null}
        <label htmlFor="upload-q">Optional text (fused with the image: hybrid search)</label>
        <input
          id="upload-q"
          type="text"
          value={text}
          maxLength={1000}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" className="primary" disabled={!file || !!error}>
          Search by this image
        </button>
      </form>
    </section>
  );
}
