// The client of the public side: the report form and the tracking page send no cookie, so a
// signed-in staff member testing them is treated as the anonymous reporter would be. The same
// typed client as everywhere else; the reporter's tracking token goes as a header per call.
import { type UseQueryResult, useQuery } from "@tanstack/react-query";
import type { CallOptions } from "../../../../src/contract/client.ts";
import type { Input, OperationId, Output } from "../../../../src/contract/index.ts";
import { makeApiClient } from "../../app/api.ts";
import { callQuery, type ItemsOf, type ListOperation, listQuery } from "../../app/query.ts";

export const publicApi = makeApiClient({ credentials: "omit", anonymous: true });

/** The reporter's tracking token as the header the report routes read. */
export function tracking(token: string | undefined): { headers?: Record<string, string> } {
  return token ? { headers: { "X-Tracking-Token": token } } : {};
}

/** A public read, without the session, cached under its path like every other read. */
export function usePublicQuery<Op extends OperationId>(
  operationId: Op,
  input: Input<Op> | undefined,
  opts: { token?: string; enabled?: boolean } = {},
): UseQueryResult<Output<Op>> {
  const { queryKey } = callQuery(publicApi, operationId, input);
  const call = publicApi.call as (op: Op, input: unknown, o: CallOptions) => Promise<Output<Op>>;
  return useQuery<Output<Op>>({
    queryKey,
    queryFn: ({ signal }) => call(operationId, input ?? {}, { signal, ...tracking(opts.token) }),
    enabled: opts.enabled ?? true,
  });
}

/** Every item of a public paginated list, without the session, cached as one read. */
export function usePublicList<Op extends ListOperation>(operationId: Op): UseQueryResult<ItemsOf<Op>> {
  const { queryKey, queryFn } = listQuery(publicApi, operationId);
  return useQuery<ItemsOf<Op>>({ queryKey, queryFn });
}
