// The one way the web shell talks to the server: JSON in and out (multipart for uploads), the CSRF
// header on every write, errors turned into ApiError with the server's message and, for a 400, the
// fields at fault, and a hook for "the session is gone".

/** One field the server's validation refused: `path` is a JSON pointer into the body ("/email"). */
export type FieldIssue = { path: string; message: string };

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId: string | null;
  /** From the Retry-After header of a 429 or 503 answer. */
  readonly retryAfterSeconds: number | null;
  /** For a 400 `validation_failed`: which fields were refused and why (`error.details.issues`). */
  readonly issues: FieldIssue[];

  constructor(
    status: number,
    code: string,
    message: string,
    requestId: string | null = null,
    retryAfterSeconds: number | null = null,
    issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.retryAfterSeconds = retryAfterSeconds;
    this.issues = issues;
  }
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * 401 answers that reject a password or code the user just typed (confirming two-factor enrolment,
 * turning it off) while the session itself is still valid: show them, do not sign the user out.
 */
const CREDENTIAL_CHECK_CODES = new Set(["invalid_credentials", "invalid_totp", "totp_required"]);

export type RequestOptions = {
  /** Query parameters; empty strings, null and undefined are left out. */
  query?: Record<string, string | number | null | undefined>;
  /** A 401 from this call is an answer to show (e.g. wrong password), not a lost session. */
  expectUnauthorized?: boolean;
  signal?: AbortSignal;
  /** Extra request headers, e.g. the reporter's tracking token on the public side. */
  headers?: Record<string, string>;
};

export type ApiClient = {
  get<T>(path: string, opts?: RequestOptions): Promise<T>;
  post<T>(path: string, body?: unknown, opts?: RequestOptions): Promise<T>;
  del<T = void>(path: string, body?: unknown, opts?: RequestOptions): Promise<T>;
  put<T>(path: string, body: unknown, opts?: RequestOptions): Promise<T>;
  patch<T>(path: string, body: unknown, opts?: RequestOptions): Promise<T>;
  /** POST a multipart body (files); the browser sets its boundary, the CSRF header goes with it. */
  upload<T>(path: string, form: FormData, opts?: RequestOptions): Promise<T>;
  setCsrfToken(token: string | null): void;
  /** Called when any call answers 401 outside the login flow; returns an unsubscribe function. */
  onUnauthorized(listener: () => void): () => void;
};

type Deps = {
  fetch?: typeof globalThis.fetch;
  baseUrl?: string;
  /** "omit" for the public side, whose calls must not carry a signed-in user's cookie. */
  credentials?: RequestCredentials;
};

export function makeApiClient({
  fetch = globalThis.fetch.bind(globalThis),
  baseUrl = "",
  credentials = "same-origin",
}: Deps = {}): ApiClient {
  let csrfToken: string | null = null;
  const unauthorizedListeners = new Set<() => void>();

  async function request<T>(
    method: Method,
    path: string,
    body: unknown,
    opts: RequestOptions = {},
  ): Promise<T> {
    const multipart = body instanceof FormData;
    const headers: Record<string, string> = { Accept: "application/json", ...opts.headers };
    if (body !== undefined && !multipart) headers["Content-Type"] = "application/json";
    if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;

    let res: Response;
    try {
      res = await fetch(baseUrl + path + queryString(opts.query), {
        method,
        headers,
        body: multipart ? body : body === undefined ? undefined : JSON.stringify(body),
        credentials,
        signal: opts.signal,
      });
    } catch (e) {
      if ((e as Error).name === "AbortError") throw e;
      throw new ApiError(
        0,
        "network_error",
        "Cannot reach the Forewarn server. Check your connection and retry.",
      );
    }

    if (res.status === 204) return undefined as T;

    const payload = await readJson(res);
    if (res.ok) return payload as T;
    const error = toApiError(res, payload);
    if (res.status === 401 && !opts.expectUnauthorized && !CREDENTIAL_CHECK_CODES.has(error.code)) {
      for (const listener of unauthorizedListeners) listener();
    }
    throw error;
  }

  return {
    get: (path, opts) => request("GET", path, undefined, opts),
    post: (path, body, opts) => request("POST", path, body ?? {}, opts),
    del: (path, body, opts) => request("DELETE", path, body, opts),
    put: (path, body, opts) => request("PUT", path, body, opts),
    patch: (path, body, opts) => request("PATCH", path, body, opts),
    upload: (path, form, opts) => request("POST", path, form, opts),
    setCsrfToken(token) {
      csrfToken = token;
    },
    onUnauthorized(listener) {
      unauthorizedListeners.add(listener);
      return () => unauthorizedListeners.delete(listener);
    },
  };
}

function queryString(query: RequestOptions["query"]): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : "";
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function toApiError(res: Response, payload: unknown): ApiError {
  const err = (
    payload as {
      error?: { code?: unknown; message?: unknown; requestId?: unknown; details?: { issues?: unknown } };
    } | null
  )?.error;
  const retryAfter = Number.parseInt(res.headers.get("Retry-After") ?? "", 10);
  if (err && typeof err.code === "string" && typeof err.message === "string") {
    return new ApiError(
      res.status,
      err.code,
      err.message,
      typeof err.requestId === "string" ? err.requestId : null,
      Number.isFinite(retryAfter) ? retryAfter : null,
      fieldIssues(err.details?.issues),
    );
  }
  // Not our error shape: a proxy, an old server, or a route that does not exist yet.
  return new ApiError(
    res.status,
    `http_${res.status}`,
    `The server answered ${res.status} ${res.statusText}.`.trim(),
  );
}

function fieldIssues(raw: unknown): FieldIssue[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((i: unknown) => {
    const { path, message } = (i ?? {}) as { path?: unknown; message?: unknown };
    return typeof path === "string" && typeof message === "string" ? [{ path, message }] : [];
  });
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
