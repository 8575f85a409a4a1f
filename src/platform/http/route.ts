// Registers a route from its contract definition (src/contract/): the method, path and schemas are
// written once there; the route adds only its handler and Fastify options such as a rate limit.
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteGenericInterface,
  RouteHandlerMethod,
  RouteShorthandOptions,
} from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { RouteDef } from "../../contract/define.ts";

type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** The handler of a contract route: its request and reply typed from the definition's schemas. */
export type Handler<D extends RouteDef> = RouteHandlerMethod<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  RouteGenericInterface,
  unknown,
  D,
  ZodTypeProvider
>;

export function route<const D extends RouteDef>(
  app: App,
  def: D,
  handler: Handler<D>,
  options: Pick<RouteShorthandOptions, "config"> = {},
): void {
  // jsonBody only types the client: the handler checks that body itself.
  const { method, url, jsonBody: _jsonBody, ...schema } = def;
  app.route({ method, url, schema, handler: handler as never, ...options });
}
