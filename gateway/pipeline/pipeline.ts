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
import type { Policy } from './policy';

/**
 * The gateway pipeline, in order. Before these, the server shell sets the correlation id and enforces size
 * limits, and the router answers unknown paths (404) and wrong methods (405). The upstream call is the route's
 * handler; response validation and metrics follow it.
 */
export function createPipeline(
  runtime: () => GatewayRuntime,
  routes: readonly RouteManifestEntry[],
  metrics: GatewayMetrics,
  responseValidation: ResponseValidationMode,
): Policy[] {
  return [
    // First: a retired version answers 410 before any other work; a deprecated one says so on every response.
    createVersionStatusPolicy({ routes }),
    createAuthentication(() => runtime().authentication),
    createAuthorization(),
    createRateLimitStep(() => runtime().rateLimit),
    createRequestValidation(),
    // Last before the upstream call: requests refused by any step above are never stored.
    createIdempotencyPolicy({ store: lazyStore(runtime), onOutcome: (outcome) => metrics.idempotency.inc({ outcome }) }),
    // On the way out: the response against its contract (onSend), then metrics once it is sent (onResponse).
    createResponseValidation(responseValidation),
    createMetricsPolicy(metrics),
  ];
}

/** The store exists once start-up has finished; the policy is built before that. */
function lazyStore(runtime: () => GatewayRuntime): IdempotencyStore {
  return {
    begin: (...args) => runtime().idempotency.begin(...args),
    complete: (...args) => runtime().idempotency.complete(...args),
    abandon: (...args) => runtime().idempotency.abandon(...args),
    purgeExpired: () => runtime().idempotency.purgeExpired(),
  };
}
