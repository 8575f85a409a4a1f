// Cursor pagination for every list route: keyset order (never OFFSET), an opaque cursor naming the
// last row's sort key, and one more row fetched than asked to know whether another page exists.
// The cursor only moves the start of the page: the caller's filters (its organisation, its role)
// apply to every page, so a cursor made up by hand can skip rows but never show foreign ones.
import { type AnyColumn, and, asc, desc, getTableColumns, type SQL, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { badRequest } from "../errors.ts";
import type { Db, DbOrTx } from "./client.ts";

/** What a sort key of a list holds, in order; dates travel as ISO strings. */
export type KeyKind = "date" | "string" | "number";
export type KeyValue = Date | string | number;

export type PageInput = { limit?: number | undefined; cursor?: string | undefined };
export type Page<T> = { items: T[]; nextCursor: string | null };

/** The page size routes use when the caller names none, and the most one page may hold. */
export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 200;

export function encodeCursor(values: KeyValue[]): string {
  return Buffer.from(JSON.stringify(values.map((v) => (v instanceof Date ? v.toISOString() : v)))).toString(
    "base64url",
  );
}

const BAD = "cursor is not one this list returned; start again without it";

/** The sort key a cursor names, checked against the list's key kinds (400 on anything else). */
export function decodeCursor(cursor: string, kinds: readonly KeyKind[]): KeyValue[] {
  let raw: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error();
    raw = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw badRequest(BAD);
  }
  if (!Array.isArray(raw) || raw.length !== kinds.length) throw badRequest(BAD);
  return kinds.map((k, i) => {
    const v: unknown = raw[i];
    if (k === "number") {
      if (typeof v !== "number" || !Number.isFinite(v)) throw badRequest(BAD);
      return v;
    }
    if (typeof v !== "string" || v.length > 300) throw badRequest(BAD);
    if (k === "string") return v;
    const d = new Date(v);
    if (Number.isNaN(d.getTime()) || d.toISOString() !== v) throw badRequest(BAD);
    return d;
  });
}

/**
 * The rows after the cursor in a keyset order whose columns all run one way: `(a, b) > (x, y)` for
 * ascending, `<` for descending. `columns` are columns or SQL expressions, the last one unique.
 */
export function after(
  columns: readonly (AnyColumn | SQL)[],
  kinds: readonly KeyKind[],
  cursor: string | undefined,
  direction: "asc" | "desc",
): SQL | undefined {
  if (!cursor) return undefined;
  const values = decodeCursor(cursor, kinds);
  const cols = sql.join(
    columns.map((c) => sql`${c}`),
    sql`, `,
  );
  const vals = sql.join(
    values.map((v, i) =>
      kinds[i] === "date"
        ? sql`${(v as Date).toISOString()}::timestamptz`
        : kinds[i] === "number"
          ? sql`${v}::bigint`
          : sql`${v}::text`,
    ),
    sql`, `,
  );
  return direction === "asc" ? sql`(${cols}) > (${vals})` : sql`(${cols}) < (${vals})`;
}

/** The page size asked for, within 1..MAX_PAGE (the contract already refuses more with a 400). */
export function pageSize(p: PageInput): number {
  return Math.min(Math.max(p.limit ?? DEFAULT_PAGE, 1), MAX_PAGE);
}

/** Cuts the `limit + 1` rows fetched to one page and names the next page's cursor by its last row. */
export function toPage<R>(rows: R[], limit: number, key: (r: R) => KeyValue[]): Page<R> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(key(last)) : null };
}

/** A list's keyset order: its columns or expressions (the last one unique), what each holds, one way. */
export type KeysetOrder = {
  columns: readonly (AnyColumn | SQL)[];
  kinds: readonly KeyKind[];
  direction: "asc" | "desc";
};

/** The most common order: a time column, then the ID that breaks ties. */
export function byTime(at: AnyColumn, id: AnyColumn, direction: "asc" | "desc"): KeysetOrder {
  return { columns: [at, id], kinds: ["date", "string"], direction };
}

/**
 * One page of a list in keyset order. `query` builds the select with `q.after` among its conditions
 * (undefined on the first page), `q.orderBy` as its order and `q.limit` as its limit (one row more
 * than the page, to know whether another follows); `keyOf` reads a row's sort key for the cursor.
 * @example keysetPage(p, byTime(t.createdAt, t.id, "desc"), (q) => db.select().from(t).where(q.after).orderBy(...q.orderBy).limit(q.limit), (r) => [r.createdAt, r.id])
 */
export async function keysetPage<R>(
  p: PageInput,
  order: KeysetOrder,
  query: (q: { after: SQL | undefined; orderBy: SQL[]; limit: number }) => Promise<R[]>,
  keyOf: (r: R) => KeyValue[],
): Promise<Page<R>> {
  const limit = pageSize(p);
  const by = order.direction === "asc" ? asc : desc;
  const rows = await query({
    after: after(order.columns, order.kinds, p.cursor, order.direction),
    orderBy: order.columns.map((c) => by(c)),
    limit: limit + 1,
  });
  return toPage(rows, limit, keyOf);
}

/**
 * One page of one table's rows in the order of `keys` (its properties; the last one unique, each a
 * date, text or number column), where `where` holds: the list routes' common case in one call.
 * @example tablePage(db, incidents, ["reportedAt", "id"], "desc", p, eq(incidents.status, "open"))
 */
export async function tablePage<T extends PgTable, K extends keyof T["$inferSelect"] & string>(
  db: DbOrTx,
  table: T,
  keys: readonly K[],
  direction: "asc" | "desc",
  p: PageInput,
  where?: SQL,
): Promise<Page<T["$inferSelect"]>> {
  const all = getTableColumns(table) as Record<string, AnyColumn>;
  const columns = keys.map((k) => all[k] as AnyColumn);
  const kinds = columns.map((c) => {
    if (c.dataType === "date" || c.dataType === "string" || c.dataType === "number") return c.dataType;
    throw new Error(`column ${c.name} cannot order a page (${c.dataType})`);
  });
  return keysetPage(
    p,
    { columns, kinds, direction },
    (q) =>
      (db as Db)
        .select()
        .from(table as PgTable)
        .where(and(where, q.after))
        .orderBy(...q.orderBy)
        .limit(q.limit) as Promise<T["$inferSelect"][]>,
    (r) => keys.map((k) => (r as Record<string, KeyValue>)[k] as KeyValue),
  );
}

/** Every item of a paginated list, page by page (the CLI's listings, which show them all). */
export async function everyPage<T>(get: (p: PageInput) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const p = await get({ limit: MAX_PAGE, cursor });
    all.push(...p.items);
    cursor = p.nextCursor ?? undefined;
  } while (cursor);
  return all;
}
