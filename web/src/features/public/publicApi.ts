// Calls the public side makes without any session: the report form and the tracking page send no
// cookie, so a signed-in staff member testing them is treated as the anonymous reporter would be.
import { ApiError } from "../../app/api.ts";

export async function publicCall<T>(
  method: "GET" | "POST",
  path: string,
  body?: unknown,
  opts: { token?: string; form?: FormData } = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (opts.token) headers["X-Tracking-Token"] = opts.token;
  const res = await fetch(path, {
    method,
    headers,
    body: opts.form ?? (body === undefined ? undefined : JSON.stringify(body)),
    credentials: "omit",
  });
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : null;
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string; requestId?: string } } | null)?.error;
    throw new ApiError(
      res.status,
      e?.code ?? "error",
      e?.message ?? `HTTP ${res.status}`,
      e?.requestId ?? null,
    );
  }
  return json as T;
}
