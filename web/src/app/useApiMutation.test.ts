import { MutationObserver, QueryClient } from "@tanstack/react-query";
import { describe, expect, test, vi } from "vitest";
import { type ApiClient, ApiError } from "./api.ts";
import { apiKey, invalidateUnder, keyUnder } from "./query.ts";
import { apiMutationOptions, type MutationDeps } from "./useApiMutation.ts";

const api = {} as ApiClient;

function setup() {
  const client = new QueryClient({ defaultOptions: { mutations: { retry: false } } });
  client.setQueryData(apiKey("/api/cases"), []);
  client.setQueryData(apiKey("/api/cases/c_1"), { id: "c_1" });
  client.setQueryData(apiKey("/api/cases", { status: "open" }), []);
  client.setQueryData(apiKey("/api/casesx"), []);
  client.setQueryData(apiKey("/api/tiers"), []);
  const show = vi.fn();
  const deps: MutationDeps = { api, invalidate: (...p) => invalidateUnder(client, ...p), show };
  const stale = (path: string, query?: Record<string, string>) =>
    client.getQueryState(apiKey(path, query))?.isInvalidated;
  return { client, show, deps, stale };
}

describe("query keys", () => {
  test("a GET's key is its path and its non-empty query parameters", () => {
    expect(apiKey("/api/audit", { actor: "", type: null, before: 12 })).toEqual([
      "/api/audit",
      { before: 12 },
    ]);
    expect(apiKey("/api/audit", { actor: "" })).toEqual(["/api/audit"]);
  });

  test("a path covers itself and what lies under it, not a longer name", () => {
    expect(keyUnder(["/api/cases/c_1"], "/api/cases")).toBe(true);
    expect(keyUnder(["/api/cases", { status: "open" }], "/api/cases")).toBe(true);
    expect(keyUnder(["/api/casesx"], "/api/cases")).toBe(false);
    expect(keyUnder(["/api/tiers"], "/api/cases")).toBe(false);
  });
});

describe("the mutation helper", () => {
  test("after success: the reads under the paths it names are stale, the rest are not, and its notice shows", async () => {
    const { client, show, deps, stale } = setup();
    const fn = vi.fn(async (id: string) => ({ id }));
    const observer = new MutationObserver(
      client,
      apiMutationOptions(
        { fn, invalidates: (_r, id) => [`/api/cases/${id}`, "/api/cases"], success: (r) => `Saved ${r.id}` },
        deps,
      ),
    );
    await expect(observer.mutate("c_1")).resolves.toEqual({ id: "c_1" });
    expect(fn).toHaveBeenCalledWith("c_1", api);
    expect(stale("/api/cases/c_1")).toBe(true);
    expect(stale("/api/cases")).toBe(true);
    expect(stale("/api/cases", { status: "open" })).toBe(true);
    expect(stale("/api/casesx")).toBe(false);
    expect(stale("/api/tiers")).toBe(false);
    expect(show).toHaveBeenCalledWith({ color: "green", message: "Saved c_1" });
  });

  test("after a refusal: nothing is invalidated, the server's message shows, and the field at fault is marked", async () => {
    const { client, show, deps, stale } = setup();
    const form = { setErrors: vi.fn() };
    const onSuccess = vi.fn();
    const observer = new MutationObserver(
      client,
      apiMutationOptions(
        {
          fn: async () => {
            throw new ApiError(400, "validation_failed", "invalid request: body.url: use https", "r", null, {
              issues: [{ path: "/url", message: "use https" }],
            });
          },
          invalidates: ["/api/cases"],
          success: "never",
          onSuccess,
          form,
          fields: ["url"],
        },
        deps,
      ),
    );
    await expect(observer.mutate(undefined)).rejects.toBeInstanceOf(ApiError);
    expect(stale("/api/cases")).toBe(false);
    expect(onSuccess).not.toHaveBeenCalled();
    expect(form.setErrors).toHaveBeenCalledWith({ url: "use https" });
    expect(show).toHaveBeenCalledTimes(1);
    expect(show.mock.calls[0]?.[0]).toMatchObject({
      color: "red",
      title: "invalid request: body.url: use https",
      message: "Correct the marked fields and save again.",
    });
    expect(observer.getCurrentResult().error).toBeInstanceOf(ApiError);
  });

  test("without a success notice nothing is shown", async () => {
    const { client, show, deps } = setup();
    const observer = new MutationObserver(client, apiMutationOptions({ fn: async () => 1 }, deps));
    await observer.mutate(undefined);
    expect(show).not.toHaveBeenCalled();
  });
});
