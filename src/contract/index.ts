// The API contract: every route of every area in one object keyed by operationId, and the types the
// web and the CLI take from it. The server registers the same definitions (platform/http/route.ts),
// and the OpenAPI document at /api/openapi.json is generated from them: one source, nothing
// generated to drift. Pure: imports only zod, so the browser build and the CLI can import it.
import type { z } from "zod";
import * as areas from "./areas.ts";
import type { RouteDef } from "./define.ts";

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;
type Areas = typeof areas;
export type Contract = UnionToIntersection<Areas[keyof Areas]>;

function merge(): Contract {
  const all: Record<string, RouteDef> = {};
  for (const area of Object.values(areas) as Record<string, RouteDef>[]) {
    for (const [operationId, def] of Object.entries(area)) {
      if (operationId in all) throw new Error(`two routes share the operationId ${operationId}`);
      all[operationId] = def;
    }
  }
  return all as unknown as Contract;
}

export const contract: Contract = merge();
export type OperationId = keyof Contract & string;

/** A value as it travels in JSON: dates are ISO strings. */
export type Json<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Json<U>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;

type Schema<D, K extends string> = D extends { [P in K]: infer S extends z.ZodType } ? S : undefined;
type SuccessCode = 200 | 201 | 202 | 204;
type Responses<Op extends OperationId> = Contract[Op] extends { response: infer R }
  ? R
  : Record<never, never>;
type SuccessSchema<Op extends OperationId> = Responses<Op>[Extract<keyof Responses<Op>, SuccessCode>];

/** The success answer of an operation, as the client receives it (JSON; `null` for 204). */
export type Output<Op extends OperationId> = [SuccessSchema<Op>] extends [never]
  ? unknown
  : SuccessSchema<Op> extends z.ZodType
    ? Json<z.output<SuccessSchema<Op>>>
    : unknown;

/** What a call of the operation sends: path parameters, query and body, each as the schema accepts. */
export type Input<Op extends OperationId> = OptionalIfUndefined<{
  params: Schema<Contract[Op], "params"> extends z.ZodType
    ? z.input<Schema<Contract[Op], "params">>
    : undefined;
  query: Schema<Contract[Op], "querystring"> extends z.ZodType
    ? z.input<Schema<Contract[Op], "querystring">>
    : undefined;
  /** Routes without a JSON body schema take none, or multipart form data (uploads), or `jsonBody`. */
  body: Schema<Contract[Op], "body"> extends z.ZodType
    ? z.input<Schema<Contract[Op], "body">>
    : Schema<Contract[Op], "jsonBody"> extends z.ZodType
      ? z.input<Schema<Contract[Op], "jsonBody">> | FormData
      : FormData | undefined;
}>;

/** A part may be left out when it may be undefined or when every field in it is optional. */
type Omissible<V> = undefined extends V ? true : Record<never, never> extends V ? true : false;
type OptionalIfUndefined<T> = { [K in keyof T as Omissible<T[K]> extends true ? never : K]: T[K] } & {
  [K in keyof T as Omissible<T[K]> extends true ? K : never]?: T[K];
};

export type { RouteDef } from "./define.ts";
export * from "./enums.ts";
export * from "./ids.ts";
