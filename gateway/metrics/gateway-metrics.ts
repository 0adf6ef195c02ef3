import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The gateway's Prometheus metrics, in a registry of its own (never prom-client's global default), so that
 * two instances in one process, as in tests, do not share counters.
 */
export interface GatewayMetrics {
  registry: Registry;
  requests: Counter<'operation' | 'app' | 'status'>;
  latency: Histogram<'operation'>;
  rateLimitRejections: Counter<'plan'>;
  rateLimitFallbacks: Counter;
  idempotency: Counter<'outcome'>;
  /** One per downstream target (an upstream role, or ERP/WMS/POS for the order worker): 0 closed, 1 half open, 2 open. */
  circuitBreakerState: Gauge<'target'>;
  upstreamFailures: Counter<'target' | 'kind'>;
}

export function createGatewayMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'concord_' });
  return {
    registry,
    requests: new Counter({
      name: 'concord_http_requests_total',
      help: 'Requests answered, by operation (api.vN.operationId), calling app and status.',
      labelNames: ['operation', 'app', 'status'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'concord_http_request_duration_seconds',
      help: 'Time from receiving a request to sending its response, by operation.',
      labelNames: ['operation'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    rateLimitRejections: new Counter({ name: 'concord_rate_limit_rejections_total', help: 'Requests refused with 429, by plan.', labelNames: ['plan'], registers: [registry] }),
    rateLimitFallbacks: new Counter({
      name: 'concord_rate_limit_fallbacks_total',
      help: 'Rate-limit decisions taken by the per-instance fallback because Redis failed.',
      registers: [registry],
    }),
    idempotency: new Counter({
      name: 'concord_idempotency_outcomes_total',
      help: 'Idempotency-Key outcomes: replayed, mismatch (422), in-flight (409), stored, released, store-error.',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    circuitBreakerState: new Gauge({
      name: 'concord_circuit_breaker_state',
      help: 'Circuit breaker state per downstream target: 0 closed, 1 half open, 2 open.',
      labelNames: ['target'],
      registers: [registry],
    }),
    upstreamFailures: new Counter({
      name: 'concord_upstream_failures_total',
      help: 'Upstream calls that failed, by target and kind (timeout, unreachable, 5xx, breaker-open).',
      labelNames: ['target', 'kind'],
      registers: [registry],
    }),
  };
}
