import { describe, expect, test, vi } from "vitest";
import { ApiError, makeApiClient } from "./api.ts";

type Call = { url: string; init: RequestInit };

function fakeFetch(answer: (call: Call) => Response) {
  const calls: Call[] = [];
  const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    const call = { url: String(url), init: init ?? {} };
    calls.push(call);
    return answer(call);
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

const headersOf = (call: Call | undefined) => new Headers(call?.init.headers);

describe("api client", () => {
  test("sends the CSRF token on writes only", async () => {
    const { fetch, calls } = fakeFetch(() => json(200, {}));
    const api = makeApiClient({ fetch });
    api.setCsrfToken("csrf-1");
    await api.call("getMe");
    await api.call("createToken", { body: { name: "x", expiresInDays: 7 } });
    await api.call("revokeToken", { params: { id: "tok_1" } });
    expect(headersOf(calls[0]).get("X-CSRF-Token")).toBeNull();
    expect(headersOf(calls[1]).get("X-CSRF-Token")).toBe("csrf-1");
    expect(calls[1]?.init.body).toBe('{"name":"x","expiresInDays":7}');
    expect(headersOf(calls[2]).get("X-CSRF-Token")).toBe("csrf-1");
  });

  test("leaves empty query parameters out", async () => {
    const { fetch, calls } = fakeFetch(() => json(200, { entries: [], nextBefore: null }));
    await makeApiClient({ fetch }).call("listAudit", {
      query: { actor: "", type: undefined, before: 12, limit: 50 },
    });
    expect(calls[0]?.url).toBe("/api/audit?before=12&limit=50");
  });

  test("turns the server's error shape into ApiError with its message, request ID and Retry-After", async () => {
    const { fetch } = fakeFetch(() =>
      json(
        429,
        { error: { code: "too_many_attempts", message: "try again in 45 s", requestId: "req_1" } },
        { "Retry-After": "45" },
      ),
    );
    const err = await makeApiClient({ fetch })
      .call("login", { body: { email: "a@example.org", password: "x" } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 429,
      code: "too_many_attempts",
      message: "try again in 45 s",
      requestId: "req_1",
      retryAfterSeconds: 45,
    });
  });

  test("a 401 outside the login flow ends the session; a rejected code or password does not", async () => {
    let answer = json(401, { error: { code: "unauthenticated", message: "sign in", requestId: "r" } });
    const { fetch } = fakeFetch(() => answer);
    const api = makeApiClient({ fetch });
    const lost = vi.fn();
    api.onUnauthorized(lost);

    await expect(api.call("listTokens")).rejects.toThrow("sign in");
    expect(lost).toHaveBeenCalledTimes(1);

    answer = json(401, {
      error: { code: "invalid_totp", message: "the code does not match", requestId: "r" },
    });
    await expect(api.call("confirmTotp", { body: { code: "000000" } })).rejects.toThrow(
      "the code does not match",
    );
    expect(lost).toHaveBeenCalledTimes(1);

    answer = json(401, { error: { code: "invalid_credentials", message: "wrong", requestId: "r" } });
    await expect(api.call("login", { body: { email: "a@example.org", password: "x" } })).rejects.toThrow(
      "wrong",
    );
    expect(lost).toHaveBeenCalledTimes(1);

    // Asking whether there is a session is no session lost.
    answer = json(401, { error: { code: "unauthenticated", message: "sign in", requestId: "r" } });
    await expect(api.call("getMe")).rejects.toThrow("sign in");
    expect(lost).toHaveBeenCalledTimes(1);
  });

  test("an answer that is not our error shape still gives a readable error", async () => {
    const { fetch } = fakeFetch(
      () => new Response("<html>Bad gateway</html>", { status: 502, statusText: "Bad Gateway" }),
    );
    await expect(makeApiClient({ fetch }).call("health")).rejects.toMatchObject({
      status: 502,
      code: "http_502",
      message: "The server answered 502 Bad Gateway.",
    });
  });

  test("a network failure says the server cannot be reached", async () => {
    const fetch = (async () => {
      throw new TypeError("fetch failed");
    }) as unknown as typeof globalThis.fetch;
    await expect(makeApiClient({ fetch }).call("getMe")).rejects.toMatchObject({ code: "network_error" });
  });

  test("204 answers resolve to null", async () => {
    const { fetch } = fakeFetch(() => new Response(null, { status: 204 }));
    await expect(
      makeApiClient({ fetch }).call("revokeToken", { params: { id: "tok_1" } }),
    ).resolves.toBeNull();
  });
});

describe("api client: uploads, field issues and the public side", () => {
  test("an upload posts the multipart body as is, with the CSRF token and no JSON content type", async () => {
    const { fetch, calls } = fakeFetch(() => json(201, { id: "f_1" }));
    const api = makeApiClient({ fetch });
    api.setCsrfToken("csrf-2");
    const form = new FormData();
    form.append("file", new Blob(["rule"]), "acme.rules");
    await expect(
      api.call("addAdvisoryFiles", { params: { id: "a_1" }, query: { section: "detection" }, body: form }),
    ).resolves.toEqual({
      id: "f_1",
    });
    expect(calls[0]?.url).toBe("/api/advisories/a_1/files?section=detection");
    expect(calls[0]?.init.method).toBe("POST");
    expect(calls[0]?.init.body).toBe(form);
    expect(headersOf(calls[0]).get("X-CSRF-Token")).toBe("csrf-2");
    expect(headersOf(calls[0]).get("Content-Type")).toBeNull();
  });

  test("a 400 carries the server's details.issues; malformed ones are dropped", async () => {
    const { fetch } = fakeFetch(() =>
      json(400, {
        error: {
          code: "validation_failed",
          message: "invalid request: body.email: Invalid email",
          requestId: "r",
          details: { issues: [{ path: "/email", message: "Invalid email" }, { path: 3 }, null] },
        },
      }),
    );
    await expect(
      makeApiClient({ fetch }).call("createUser", {
        body: { email: "x", name: "x", role: "auditor", password: "long enough password" },
      }),
    ).rejects.toMatchObject({
      status: 400,
      issues: [{ path: "/email", message: "Invalid email" }],
    });
  });

  test("the public client sends no cookie, passes extra headers and has no session to lose", async () => {
    const { fetch, calls } = fakeFetch(() =>
      json(401, { error: { code: "unauthenticated", message: "give the tracking token", requestId: "r" } }),
    );
    const api = makeApiClient({ fetch, credentials: "omit", anonymous: true });
    const lost = vi.fn();
    api.onUnauthorized(lost);
    await expect(
      api.call("getOwnReport", { params: { caseId: "c_1" } }, { headers: { "X-Tracking-Token": "t" } }),
    ).rejects.toThrow("give the tracking token");
    expect(calls[0]?.url).toBe("/api/reports/c_1");
    expect(calls[0]?.init.credentials).toBe("omit");
    expect(headersOf(calls[0]).get("X-Tracking-Token")).toBe("t");
    expect(lost).not.toHaveBeenCalled();
  });
});
