// Reads through TanStack Query: every GET is cached under its path and query parameters, so a page
// that changes something invalidates the paths it touched instead of passing reload() callbacks down.
import {
  QueryClient,
  type QueryKey,
  type UseQueryResult,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { useCallback } from "react";
import { pathOf } from "../../../src/contract/client.ts";
import { contract, type Input, type OperationId, type Output } from "../../../src/contract/index.ts";
import { type ApiClient, ApiError } from "./api.ts";
import { useApi } from "./auth.tsx";

type Query = Record<string, unknown> | undefined;

/** The cache key of a GET: its path, then its query parameters (empty ones left out, as sent). */
export function apiKey(path: string, query?: Query): QueryKey {
  const params = Object.fromEntries(
    Object.entries(query ?? {}).filter(([, v]) => v !== undefined && v !== null && v !== ""),
  );
  return Object.keys(params).length ? [path, params] : [path];
}

/** The cache key of a call of a read operation: the path it asks for and its query. */
export function operationKey<Op extends OperationId>(operationId: Op, input?: Input<Op> | null): QueryKey {
  const { params, query } = (input ?? {}) as { params?: Record<string, unknown>; query?: Query };
  return apiKey(pathOf(contract[operationId].url, params), query);
}
/** Whether a cached query's path is `prefix` itself or lies under it (`/api/cases` covers `/api/cases/c_1`). */
export function keyUnder(key: QueryKey, prefix: string): boolean {
  const path = key[0];
  if (typeof path !== "string") return false;
  const bare = path.split("?")[0] ?? path;
  return bare === prefix || bare.startsWith(prefix.endsWith("/") ? prefix : `${prefix}/`);
}

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx answer will not change by asking again; a lost connection or a 5xx may.
        retry: (failures, e) => !(e instanceof ApiError && e.status >= 400 && e.status < 500) && failures < 2,
        refetchOnWindowFocus: false,
      },
      mutations: { retry: false },
    },
  });
}

export type ApiQueryOptions = {
  /** Poll every so many milliseconds while the page is open (the live wave view). */
  refetchInterval?: number | false;
  /** How long an answer counts as fresh (default: stale at once, read again when shown again). */
  staleTime?: number;
};

/** What a read needs: its input (null: not yet, e.g. while a choice is missing), then options. */
type QueryArgs<Op extends OperationId> =
  Record<never, never> extends Input<Op>
    ? [input?: Input<Op> | null, opts?: ApiQueryOptions]
    : [input: Input<Op> | null, opts?: ApiQueryOptions];

/** A read's cache key and the function that reads it (aborted when no one waits for it any more). */
type Reader<T> = { queryKey: QueryKey; queryFn: (ctx: { signal: AbortSignal }) => Promise<T> };

/** useQuery over a reader of the operation: a null input waits, cached under a key of its own. */
function useRead<Op extends OperationId, T>(
  operationId: Op,
  input: Input<Op> | null | undefined,
  opts: ApiQueryOptions,
  reader: (api: ApiClient, operationId: Op, input?: Input<Op>) => Reader<T>,
): UseQueryResult<T> {
  const api = useApi();
  const enabled = input !== null;
  const { queryKey, queryFn } = reader(api, operationId, input ?? undefined);
  return useQuery<T>({
    queryKey: enabled ? queryKey : [operationId, "not yet"],
    queryFn,
    enabled,
    refetchInterval: opts.refetchInterval,
    staleTime: opts.staleTime,
  });
}

/** The client's call of one operation with any input (the contract checks it), cancelled by `signal`. */
function callOf<Op extends OperationId>(api: ApiClient, operationId: Op) {
  const call = api.call as (op: Op, input: unknown, o: { signal: AbortSignal }) => Promise<Output<Op>>;
  return (input: unknown, signal: AbortSignal) => call(operationId, input, { signal });
}

/** The key and reader of one call, for useQueries and the like. */
export function callQuery<Op extends OperationId>(
  api: ApiClient,
  operationId: Op,
  input?: Input<Op>,
): Reader<Output<Op>> {
  const call = callOf(api, operationId);
  return { queryKey: operationKey(operationId, input), queryFn: ({ signal }) => call(input ?? {}, signal) };
}

/** Read an operation through the contract's client, cached under the path and query it asks for. */
export function useApiQuery<Op extends OperationId>(
  operationId: Op,
  ...[input, opts = {}]: QueryArgs<Op>
): UseQueryResult<Output<Op>> {
  return useRead(operationId, input, opts, callQuery);
}

/** Mark every cached read under these paths stale; the ones on screen load again. */
export function invalidateUnder(client: QueryClient, ...prefixes: string[]): Promise<void> {
  return client.invalidateQueries({ predicate: (q) => prefixes.some((p) => keyUnder(q.queryKey, p)) });
}

export function useInvalidate(): (...prefixes: string[]) => Promise<void> {
  const client = useQueryClient();
  return useCallback((...prefixes: string[]) => invalidateUnder(client, ...prefixes), [client]);
}

/** One page of a paginated list route (the contract's shape for every list). */
export type ListPage<T> = { items: T[]; nextCursor: string | null };

/** Follows `nextCursor` from the first page to the last: every item of a paginated list. */
export async function allPages<T>(get: (cursor: string | undefined) => Promise<ListPage<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await get(cursor);
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

/** The operations that answer one page of a list (`{ items, nextCursor }`, contract/common.ts). */
export type ListOperation = {
  [K in OperationId]: Output<K> extends ListPage<unknown> ? K : never;
}[OperationId];

/** The items of a list operation's answer. */
export type ItemsOf<Op extends OperationId> = Output<Op> extends ListPage<infer T> ? T[] : never;

/** The key and reader of every page of a list, for useApiList and the public side's reads. */
export function listQuery<Op extends ListOperation>(
  api: ApiClient,
  operationId: Op,
  input?: Input<Op>,
): Reader<ItemsOf<Op>> {
  const base = (input ?? {}) as { query?: Record<string, unknown> };
  const call = callOf(api, operationId);
  return {
    queryKey: operationKey(operationId, input),
    queryFn: ({ signal }) =>
      allPages(
        (cursor) =>
          call({ ...base, query: { ...base.query, limit: 200, cursor } }, signal) as Promise<
            ListPage<unknown>
          >,
      ) as Promise<ItemsOf<Op>>,
  };
}

/** Every item of a paginated list (null input: not yet), read page by page and cached as one read. */
export function useApiList<Op extends ListOperation>(
  operationId: Op,
  ...[input, opts = {}]: QueryArgs<Op>
): UseQueryResult<ItemsOf<Op>> {
  return useRead(operationId, input, opts, listQuery);
}
