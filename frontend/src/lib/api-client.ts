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

/** GET a JSON resource from the backend; non-2xx answers become an ApiError with the server's detail. */
export async function getJson<T>(path: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers: { Accept: "application/json" } });
  } catch {
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
