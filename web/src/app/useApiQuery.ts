// Load JSON from a GET route, with loading/error state and a reload function.
import { useCallback, useEffect, useState } from "react";
import type { RequestOptions } from "./api.ts";
import { useApi } from "./auth.tsx";

export type QueryState<T> = {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
};

export function useApiQuery<T>(path: string | null, query?: RequestOptions["query"]): QueryState<T> {
  const api = useApi();
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(path !== null);
  const [generation, setGeneration] = useState(0);
  const queryKey = JSON.stringify(query ?? {});

  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation` is the reload trigger
  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    api
      .get<T>(path, { query: JSON.parse(queryKey), signal: controller.signal })
      .then((result) => setData(result))
      .catch((e: unknown) => {
        if ((e as Error).name !== "AbortError") setError(e);
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [api, path, queryKey, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data, error, loading, reload };
}
