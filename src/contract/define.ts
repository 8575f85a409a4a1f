// The shape of one route in the contract, and defineRoutes, which names each route by its key (the
// OpenAPI operationId). Pure: the server registers these (platform/http/route.ts), the client calls them.
import type { z } from "zod";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export type RouteDef = {
  method: Method;
  /** Fastify's path syntax: `/api/advisories/:id`. */
  url: string;
  tags?: readonly string[];
  summary: string;
  description?: string;
  /** Request body media types other than JSON (multipart uploads). */
  consumes?: readonly string[];
  params?: z.ZodType;
  querystring?: z.ZodType;
  body?: z.ZodType;
  /**
   * A route that takes JSON or a multipart upload has no `body` (the server would refuse the
   * upload); its JSON shape, checked by the handler itself, is named here so the client is typed.
   */
  jsonBody?: z.ZodType;
  headers?: z.ZodType;
  response?: Readonly<Record<number, z.ZodType>>;
};

export type Routes = Record<string, RouteDef>;
export type Named<R extends Routes> = { [K in keyof R & string]: R[K] & { operationId: K } };

/** The routes of one API area, each carrying its key as `operationId`. */
export function defineRoutes<const R extends Routes>(routes: R): Named<R> {
  return Object.fromEntries(
    Object.entries(routes).map(([operationId, def]) => [operationId, { ...def, operationId }]),
  ) as Named<R>;
}
