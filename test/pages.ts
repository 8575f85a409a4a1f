// Walking a paginated list through the API, shared by the pagination tests.
import { expect } from "vitest";
import type { TestApp } from "./harness.ts";

/**
 * Every page of `url` at `limit` per page: the items' IDs in order, the pages' sizes and the cursors
 * that led past each page. Each answer must be 200 and hold exactly `items` and `nextCursor`.
 */
export async function walkPages(t: TestApp, url: string, headers: Record<string, string>, limit: number) {
  const ids: string[] = [];
  const sizes: number[] = [];
  const cursors: string[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const sep = url.includes("?") ? "&" : "?";
    const q = `${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const res = await t.app.inject({ url: url + q, headers });
    expect(res.statusCode, `${url + q}: ${res.body}`).toBe(200);
    const body = res.json() as { items: { id: string }[]; nextCursor: string | null };
    expect(Object.keys(body).sort()).toEqual(["items", "nextCursor"]);
    ids.push(...body.items.map((x) => x.id));
    sizes.push(body.items.length);
    cursor = body.nextCursor;
    if (!cursor) return { ids, sizes, cursors };
    cursors.push(cursor);
  }
  throw new Error("more than 100 pages");
}
