import type { RouteHandlerMethod } from 'fastify';
import type { RouteManifestEntry } from '../../codegen/manifest-types';
import type { Catalogue } from '../../platform/catalogue/types';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { createUpstreamGuards } from './guard';
import type { HttpUpstreams } from './http';
import { createHttpUpstreams } from './http';

/**
 * STAND-IN until the catalogue proxy (issue 16, point 1) lands: the upstream call of an operation whose
 * `x-concord-upstream` is a catalogue upstream, through the role proxy with the entry's `url` and `timeoutMs`.
 * `catalogueHandler` is the one place that call is made, so the real proxy replaces this module at merge.
 */
export function createCatalogueHandlers(catalogue: Catalogue, metrics: GatewayMetrics) {
  const upstreams = new Map<string, HttpUpstreams>();
  function catalogueHandler(name: string, route: RouteManifestEntry): RouteHandlerMethod {
    let proxy = upstreams.get(name);
    if (!proxy) {
      const entry = catalogue.upstreams[name];
      if (!entry) throw new Error(`no catalogue upstream '${name}' for ${route.operationId}`);
      const guards = createUpstreamGuards({ timeoutMs: entry.timeoutMs, breaker: entry.breaker, metrics });
      proxy = createHttpUpstreams({ [name]: { name, url: entry.url } }, { guards });
      upstreams.set(name, proxy);
    }
    return proxy.handlerFor(name, route);
  }
  return {
    catalogueHandler,
    close: async () => void (await Promise.all([...upstreams.values()].map((u) => u.close()))),
  };
}
