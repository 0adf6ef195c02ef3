import type { RouteHandlerMethod, RouteOptions } from 'fastify';
import type { RouteManifestEntry } from '../../codegen/manifest-types';
import type { Policy } from './policy';
import { HOOK_PHASES } from './policy';

type RouteHooks = Pick<RouteOptions, (typeof HOOK_PHASES)[number]>;

/** The hooks of every policy for one route, phase by phase, in pipeline order. */
export function collectHooks(policies: readonly Policy[], route: RouteManifestEntry): RouteHooks {
  const hooks: Record<string, unknown[]> = {};
  for (const policy of policies) {
    const forRoute = policy.forRoute(route);
    if (!forRoute) continue;
    for (const phase of HOOK_PHASES) {
      const hook = forRoute[phase];
      if (hook) (hooks[phase] ??= []).push(hook);
    }
  }
  return hooks as RouteHooks;
}

/** A route's Fastify options: the pipeline's hooks around the upstream handler. */
export function buildRoute(policies: readonly Policy[], route: RouteManifestEntry, handler: RouteHandlerMethod): Omit<RouteOptions, 'method' | 'url'> {
  return { ...collectHooks(policies, route), handler };
}
