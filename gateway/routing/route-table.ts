import type { RouteManifestEntry } from '../../codegen/manifest-types';

/** One contract path with the operations served on it. */
export interface PathRoutes {
  /** OpenAPI template, e.g. `/v1/orders/{orderId}`. */
  template: string;
  /** The same path in Fastify's syntax, e.g. `/v1/orders/:orderId`. */
  fastifyPath: string;
  byMethod: ReadonlyMap<RouteManifestEntry['method'], RouteManifestEntry>;
  /** The `Allow` header a wrong method gets, computed once. */
  allow: string;
}

/** Every method a client could send; those a path does not serve answer 405. */
export const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export const toFastifyPath = (template: string): string => template.replace(/\{([^}/]+)\}/g, ':$1');

/** Groups the manifest by path. Two templates that differ only in parameter names are one path. */
export function buildRouteTable(routes: readonly RouteManifestEntry[]): PathRoutes[] {
  const byPath = new Map<string, { template: string; byMethod: Map<RouteManifestEntry['method'], RouteManifestEntry> }>();
  for (const route of routes) {
    const key = route.path.replace(/\{[^}/]+\}/g, '{}');
    const entry = byPath.get(key) ?? { template: route.path, byMethod: new Map() };
    if (entry.byMethod.has(route.method)) {
      throw new Error(`${route.method} ${route.path} is served twice (${route.contract} and ${entry.byMethod.get(route.method)?.contract})`);
    }
    entry.byMethod.set(route.method, route);
    byPath.set(key, entry);
  }
  return [...byPath.values()].map(({ template, byMethod }) => {
    const methods = new Set<string>(byMethod.keys());
    // Fastify answers HEAD for every GET route.
    if (methods.has('GET')) methods.add('HEAD');
    return {
      template,
      fastifyPath: toFastifyPath(template),
      byMethod,
      allow: ALL_METHODS.filter((m) => methods.has(m)).join(', '),
    };
  });
}
