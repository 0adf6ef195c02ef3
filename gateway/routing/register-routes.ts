import type { FastifyInstance, RouteHandlerMethod } from 'fastify';
import type { RouteManifestEntry } from '../../codegen/manifest-types';
import { PROBLEM_CONTENT_TYPE, problem } from '../../platform/server/problem';
import { buildRoute } from '../pipeline/build-route';
import type { Policy } from '../pipeline/policy';
import type { PathRoutes } from './route-table';
import { ALL_METHODS } from './route-table';

export interface RouteWiring {
  /** The pipeline, in order; each policy contributes hooks per route. */
  policies: readonly Policy[];
  /** The upstream call for one operation; built once per operation at start-up. */
  handlerFor(route: RouteManifestEntry): RouteHandlerMethod;
}

/**
 * Registers every contract path: its operations with the pipeline's hooks around their upstream handler, and
 * the methods it does not serve as 405 with `Allow`. Unknown paths fall through to the app's 404 handler.
 */
export function registerRoutes(app: FastifyInstance, table: readonly PathRoutes[], wiring: RouteWiring): void {
  for (const path of table) {
    for (const [method, route] of path.byMethod) {
      app.route({ method, url: path.fastifyPath, ...buildRoute(wiring.policies, route, wiring.handlerFor(route)) });
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

/**
 * Until an upstream serves an operation, the gateway says so instead of pretending. `detail` says why when the
 * caller knows (a system whose sandbox is off); the default names the operation that has no handler.
 */
export const notImplemented =
  (route: RouteManifestEntry, detail?: string): RouteHandlerMethod =>
  async (req, reply) =>
    reply
      .code(501)
      .type(PROBLEM_CONTENT_TYPE)
      .send(
        problem('not-implemented', 501, 'Not implemented', {
          detail: detail ?? `${route.operationId} (${route.contract}) is in the contract, but nothing in this Concord implements it yet.`,
          correlationId: req.id,
        }),
      );
