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
import { ApiError, type RequestOptions } from "./api.ts";
import { useApi } from "./auth.tsx";

type Query = RequestOptions["query"];

/** The cache key of a GET: its path, then its query parameters (empty ones left out, as sent). */
export function apiKey(path: string, query?: Query): QueryKey {
  const params = Object.fromEntries(
    Object.entries(query ?? {}).filter(([, v]) => v !== undefined && v !== null && v !== ""),
  );
  return Object.keys(params).length ? [path, params] : [path];
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

/** GET `path` (null: not yet, e.g. while a choice is missing) with its query parameters. */
export function useApiQuery<T>(
  path: string | null,
  query?: Query,
  opts: ApiQueryOptions = {},
): UseQueryResult<T> {
  const api = useApi();
  return useQuery<T>({
    queryKey: apiKey(path ?? "", query),
    queryFn: ({ signal }) => api.get<T>(path ?? "", { query, signal }),
    enabled: path !== null,
    refetchInterval: opts.refetchInterval,
    staleTime: opts.staleTime,
  });
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

/** GET every page of a paginated list `path` (null: not yet), cached as one read like useApiQuery. */
export function useApiList<T>(
  path: string | null,
  query?: Query,
  opts: ApiQueryOptions = {},
): UseQueryResult<T[]> {
  const api = useApi();
  return useQuery<T[]>({
    queryKey: apiKey(path ?? "", query),
    queryFn: ({ signal }) =>
      allPages((cursor) =>
        api.get<ListPage<T>>(path ?? "", { query: { ...query, limit: 200, cursor }, signal }),
      ),
    enabled: path !== null,
    refetchInterval: opts.refetchInterval,
    staleTime: opts.staleTime,
  });
}
