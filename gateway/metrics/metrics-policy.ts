import type { RouteManifestEntry } from '../../codegen/manifest-types';
import type { Policy, PolicyHooks } from '../pipeline/policy';
import '../pipeline/caller';
import type { GatewayMetrics } from './gateway-metrics';

/** Counts every answered request of every route and observes its latency, after the response is sent. */
export function createMetricsPolicy(metrics: GatewayMetrics): Policy {
  return {
    name: 'metrics',
    forRoute(route: RouteManifestEntry): PolicyHooks {
      const operation = `${route.api}.v${route.version}.${route.operationId}`;
      // Label children bound once per route: no label lookups on the hot path.
      const latency = metrics.latency.labels(operation);
      return {
        onResponse: async (req, reply) => {
          metrics.requests.inc({ operation, app: req.caller?.clientId ?? 'anonymous', status: String(reply.statusCode) });
          latency.observe(reply.elapsedTime / 1000);
        },
      };
    },
  };
}
