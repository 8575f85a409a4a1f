// Calls the public side makes without any session: the report form and the tracking page send no
// cookie, so a signed-in staff member testing them is treated as the anonymous reporter would be.
import { makeApiClient } from "../../app/api.ts";

const publicApi = makeApiClient({ credentials: "omit" });

export async function publicCall<T>(
  method: "GET" | "POST",
  path: string,
  body?: unknown,
  opts: { token?: string; form?: FormData } = {},
): Promise<T> {
  const headers = opts.token ? { "X-Tracking-Token": opts.token } : undefined;
  if (opts.form) return publicApi.upload<T>(path, opts.form, { headers, expectUnauthorized: true });
  if (method === "GET") return publicApi.get<T>(path, { headers, expectUnauthorized: true });
  return publicApi.post<T>(path, body, { headers, expectUnauthorized: true });
}
