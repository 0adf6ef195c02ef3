import type { FastifyInstance, RouteHandlerMethod } from 'fastify';
import type { RouteManifestEntry } from '../../codegen/manifest-types';
import { PROBLEM_CONTENT_TYPE, problem } from '../../platform/server/problem';
import type { PathRoutes } from './route-table';
import { ALL_METHODS } from './route-table';

/** Builds the handler for one contract operation; called once per operation at start-up. */
export type OperationDispatcher = (route: RouteManifestEntry) => RouteHandlerMethod;

/**
 * Registers every contract path: its operations through `dispatch`, and the methods it does not serve as
 * 405 with `Allow`. Unknown paths fall through to the app's 404 handler.
 */
export function registerRoutes(app: FastifyInstance, table: readonly PathRoutes[], dispatch: OperationDispatcher): void {
  for (const path of table) {
    for (const [method, route] of path.byMethod) {
      app.route({ method, url: path.fastifyPath, handler: dispatch(route), config: { operationId: route.operationId } });
    }
    const unserved = ALL_METHODS.filter((m) => !path.allow.split(', ').includes(m));
    if (unserved.length === 0) continue;
    const methodNotAllowed: RouteHandlerMethod = async (req, reply) =>
      reply
        .code(405)
        .header('Allow', path.allow)
        .type(PROBLEM_CONTENT_TYPE)
        .send(
          problem('method-not-allowed', 405, 'Method not allowed', {
            detail: `${req.method} is not served on ${path.template}; allowed: ${path.allow}.`,
            correlationId: req.id,
          }),
        );
    app.route({ method: unserved, url: path.fastifyPath, handler: methodNotAllowed });
  }
}

/** Until the gateway pipeline serves an operation, it says so instead of pretending. */
export const notImplemented: OperationDispatcher = (route) => async (req, reply) =>
  reply
    .code(501)
    .type(PROBLEM_CONTENT_TYPE)
    .send(
      problem('not-implemented', 501, 'Not implemented yet', {
        detail: `${route.operationId} (${route.contract}) is routed but its upstream '${route.upstream}' is not served yet.`,
        correlationId: req.id,
      }),
    );
