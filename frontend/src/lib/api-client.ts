/** An error answered by the backend as application/problem+json (RFC 7807). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
  ) {
    super(detail || title || `HTTP ${status}`);
    this.name = "ApiError";
  }
}

/** Query parameters as the generated OpenAPI types describe them; undefined and null are left out. */
export type QueryParams = Record<string, string | number | boolean | null | undefined>;

/** `?a=1&b=x` from the defined parameters, in the order given ("" when none). */
export function toQueryString(params: QueryParams): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null) search.set(name, String(value));
  }
  const s = search.toString();
  return s ? `?${s}` : "";
}

/** Sends a request; non-2xx answers become an ApiError with the server's detail. */
async function requestJson<T>(path: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers: { Accept: "application/json" } });
  } catch (e) {
    if (init?.signal?.aborted) throw e;
    throw new ApiError(
      0,
      "Network error",
      "The server could not be reached. Is the backend running?",
    );
  }
  if (!response.ok) {
    let title = response.statusText;
    let detail = "";
    try {
      const problem = (await response.json()) as { title?: string; detail?: string };
      title = problem.title ?? title;
      detail = problem.detail ?? "";
    } catch {
      // not a problem document: keep the status text
    }
    throw new ApiError(response.status, title, detail);
  }
  return (await response.json()) as T;
}

/** GET a JSON resource from the backend. */
export function getJson<T>(path: string, init?: RequestInit): Promise<T> {
  return requestJson<T>(path, init);
}

/** POST a multipart form (e.g. an uploaded file) and read the JSON answer. */
export function postForm<T>(path: string, form: FormData, signal?: AbortSignal): Promise<T> {
  return requestJson<T>(path, { method: "POST", body: form, signal });
}
