import { createAuthentication } from '../policies/authentication';
import { createAuthorization } from '../policies/authorization';
import { createRateLimitStep } from '../policies/rate-limit/hooks';
import { createIdempotencyPolicy } from '../policies/idempotency';
import { createRequestValidation } from '../policies/request-validation';
import type { ResponseValidationMode } from '../policies/response-validation';
import { createResponseValidation } from '../policies/response-validation';
import { createVersionStatusPolicy } from '../policies/version-status';
import type { RouteManifestEntry } from '../../codegen/manifest-types';
import type { GatewayRuntime } from '../runtime';
import type { IdempotencyStore } from '../policies/idempotency';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { createMetricsPolicy } from '../metrics/metrics-policy';
import { createUsagePolicy } from '../policies/usage';
import type { Policy } from './policy';

/**
 * The gateway pipeline, in order. Before these, the server shell sets the correlation id and enforces size
 * limits, and the router answers unknown paths (404) and wrong methods (405). The upstream call is the route's
 * handler; response validation and metrics follow it.
 */
/**
 * Where each step runs when roles are split (`concord start --role …`). The edge steps (version status, rate
 * limits) run once, at the gateway; idempotency runs where the operation's handler commits, so that the stored
 * response commits with the state change; authentication, authorization and validation run at both hops.
 */
export interface PipelinePlacement {
  /** The steps of one hop: `all` (one process does everything), `edge` (the gateway role) or `service` (process, system). */
  hop: 'all' | 'edge' | 'service';
  /** At the edge: whether this route is handled by another role (so its idempotency runs there). */
  remote?: (route: RouteManifestEntry) => boolean;
}

export function createPipeline(
  runtime: () => GatewayRuntime,
  routes: readonly RouteManifestEntry[],
  metrics: GatewayMetrics,
  responseValidation: ResponseValidationMode,
  placement: PipelinePlacement = { hop: 'all' },
): Policy[] {
  const edge = placement.hop !== 'service';
  const idempotency = createIdempotencyPolicy({ store: lazyStore(runtime), onOutcome: (outcome) => metrics.idempotency.inc({ outcome }) });
  const remote = placement.remote;
  return [
    // First: a retired version answers 410 before any other work; a deprecated one says so on every response.
    ...(edge ? [createVersionStatusPolicy({ routes })] : []),
    createAuthentication(() => runtime().authentication),
    createAuthorization(),
    ...(edge ? [createRateLimitStep(() => runtime().rateLimit)] : []),
    createRequestValidation(),
    // Last before the upstream call: requests refused by any step above are never stored.
    placement.hop === 'edge' && remote ? onlyWhere(idempotency, (route) => !remote(route)) : idempotency,
    // On the way out: the response against its contract (onSend), then metrics once it is sent (onResponse).
    createResponseValidation(responseValidation),
    createMetricsPolicy(metrics),
    // Per-app usage for the developer portal (onResponse, like metrics): once, at the edge, so split roles never count twice.
    ...(edge ? [createUsagePolicy(() => runtime().usage.recorder)] : []),
  ];
}

/** The policy on the routes `applies` selects, nothing on the others. */
function onlyWhere(policy: Policy, applies: (route: RouteManifestEntry) => boolean): Policy {
  return { name: policy.name, forRoute: (route) => (applies(route) ? policy.forRoute(route) : undefined) };
}

/** The store exists once start-up has finished; the policy is built before that. */
function lazyStore(runtime: () => GatewayRuntime): IdempotencyStore {
  return {
    begin: (...args) => runtime().idempotency.begin(...args),
    complete: (...args) => runtime().idempotency.complete(...args),
    completeWithin: (...args) => runtime().idempotency.completeWithin(...args),
    abandon: (...args) => runtime().idempotency.abandon(...args),
    purgeExpired: () => runtime().idempotency.purgeExpired(),
    releaseDeadClaims: () => runtime().idempotency.releaseDeadClaims(),
  };
}
