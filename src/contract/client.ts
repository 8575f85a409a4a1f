// The typed client of the API: call(operationId, { params, query, body }) sends the request the
// contract describes and resolves to the operation's success answer, typed from its response
// schema; any other answer rejects with an ApiError carrying the server's code and message. The
// transport is injected (fetch, base URL, headers such as a Bearer token, the CSRF token on writes),
// so the web, the CLI and the tests share it.
import { contract, type Input, type OperationId, type Output } from "./index.ts";

/** One field a 400 refused: `path` is a JSON pointer into the request ("/email"). */
export type FieldIssue = { path: string; message: string };

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId: string | null;
  /** From the Retry-After header of a 429 or 503 answer. */
  readonly retryAfterSeconds: number | null;
  /** The error's details, e.g. `issues` (each with its `path`) of a 400 validation failure. */
  readonly details: Record<string, unknown> | null;

  constructor(
    status: number,
    code: string,
    message: string,
    requestId: string | null = null,
    retryAfterSeconds: number | null = null,
    details: Record<string, unknown> | null = null,
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.retryAfterSeconds = retryAfterSeconds;
    this.details = details;
  }

  /** For a 400 `validation_failed`: which fields were refused and why (`details.issues`). */
  get issues(): FieldIssue[] {
    const raw = this.details?.issues;
    if (!Array.isArray(raw)) return [];
    return raw.flatMap((i: unknown) => {
      const { path, message } = (i ?? {}) as { path?: unknown; message?: unknown };
      return typeof path === "string" && typeof message === "string" ? [{ path, message }] : [];
    });
  }
}

export type Transport = {
  fetch?: typeof globalThis.fetch;
  /** Prepended to each path: `https://forewarn.example.org`; empty for the same origin. */
  baseUrl?: string;
  /** Headers for every request (e.g. `authorization: Bearer ...`). */
  headers?: () => Record<string, string>;
  /** The session's CSRF token, sent as X-CSRF-Token on writes when there is one. */
  csrfToken?: () => string | null | undefined;
  /** Sent with fetch: `same-origin` in the browser (the session cookie). */
  credentials?: RequestCredentials;
};

export type CallOptions = {
  signal?: AbortSignal;
  /** Headers for this call only (e.g. a reporter's tracking token). */
  headers?: Record<string, string>;
};

export type Client = {
  call<Op extends OperationId>(
    operationId: Op,
    ...args: Record<never, never> extends Input<Op>
      ? [input?: Input<Op>, options?: CallOptions]
      : [input: Input<Op>, options?: CallOptions]
  ): Promise<Output<Op>>;
};

/** The path of an operation with its parameters filled in: `/api/partners/org_.../tier`. */
export function pathOf(url: string, params: Record<string, unknown> = {}): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined || v === null) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(String(v));
  });
}

/** The query string (with its `?`), leaving out empty strings, null and undefined. */
export function queryOf(query: Record<string, unknown> | undefined): string {
  if (!query) return "";
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === "") continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

export function makeClient(transport: Transport = {}): Client {
  const doFetch = transport.fetch ?? globalThis.fetch.bind(globalThis);
  const base = (transport.baseUrl ?? "").replace(/\/+$/, "");
  return {
    async call(operationId, ...[input, options]) {
      const def = contract[operationId];
      if (!def) throw new Error(`no operation ${operationId}`);
      const { params, query, body } = (input ?? {}) as {
        params?: Record<string, unknown>;
        query?: Record<string, unknown>;
        body?: unknown;
      };
      const headers: Record<string, string> = {
        accept: "application/json",
        ...transport.headers?.(),
        ...options?.headers,
      };
      let payload: BodyInit | undefined;
      if (body instanceof FormData) payload = body;
      else if (body !== undefined) {
        headers["content-type"] = "application/json";
        payload = JSON.stringify(body);
      }
      const csrf = def.method === "GET" ? null : transport.csrfToken?.();
      if (csrf) headers["x-csrf-token"] = csrf;
      let res: Response;
      try {
        res = await doFetch(`${base}${pathOf(def.url, params)}${queryOf(query)}`, {
          method: def.method,
          headers,
          ...(payload === undefined ? {} : { body: payload }),
          ...(transport.credentials ? { credentials: transport.credentials } : {}),
          ...(options?.signal ? { signal: options.signal } : {}),
        });
      } catch (e) {
        if ((e as Error).name === "AbortError") throw e;
        throw new ApiError(
          0,
          "network_error",
          "Cannot reach the Forewarn server. Check your connection and retry.",
        );
      }
      if (res.status === 204) return null as never;
      const text = await res.text();
      const type = res.headers.get("content-type") ?? "";
      let data: unknown = text;
      if (type.includes("json") || !type) {
        try {
          data = text ? JSON.parse(text) : null;
        } catch {
          data = null;
        }
      }
      if (res.ok) return data as never;
      throw toApiError(res, data);
    },
  };
}

function toApiError(res: Response, payload: unknown): ApiError {
  const err = (payload as { error?: Record<string, unknown> } | null)?.error;
  const retryAfter = Number.parseInt(res.headers.get("retry-after") ?? "", 10);
  if (err && typeof err.code === "string" && typeof err.message === "string") {
    return new ApiError(
      res.status,
      err.code,
      err.message,
      typeof err.requestId === "string" ? err.requestId : null,
      Number.isFinite(retryAfter) ? retryAfter : null,
      err.details && typeof err.details === "object" ? (err.details as Record<string, unknown>) : null,
    );
  }
  // Not the API's error shape: a proxy, an old server, or a path that does not exist.
  return new ApiError(
    res.status,
    `http_${res.status}`,
    `The server answered ${res.status} ${res.statusText}.`.trim(),
  );
}
