import type { FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { Dispatcher } from 'undici';
import { Agent, Pool } from 'undici';
import type { RouteManifestEntry } from '../../codegen/manifest-types';
import type { Catalogue, UpstreamConfig } from '../../platform/catalogue/types';
import { breakerStatus } from '../../platform/server/readiness';
import type { DependencyStatus } from '../../platform/server/readiness';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import type { Credentials } from './credentials';
import { createCredentials } from './credentials';
import type { Gate } from './gate';
import { createGate } from './gate';
import type { UpstreamGuard } from './guard';
import { createUpstreamGuards } from './guard';
import { proxyHandler } from './proxy';
import { pathRewriter } from './rewrite-path';
import { tlsConnectOptions } from './tls';

export type UpstreamState = DependencyStatus;

/** Operations of a system contract that belong to the sandbox (its fault switch): never sent to a real system. */
const SANDBOX_OPERATIONS = new Set(['getSandboxFaults', 'setSandboxFaults']);

/**
 * The catalogue upstream serving `route`, if any: the upstream its `x-concord-upstream` names, or, for an ERP, WMS
 * or POS operation, the upstream `systems:` maps that system to. The system contract's path is sent as it is
 * (then the upstream's `path` rewrite applies).
 */
export function catalogueUpstreamOf(catalogue: Catalogue, route: Pick<RouteManifestEntry, 'upstream' | 'operationId'>): string | undefined {
  if (catalogue.upstreams[route.upstream]) return route.upstream;
  const system = route.upstream === 'erp' || route.upstream === 'wms' || route.upstream === 'pos' ? catalogue.systems[route.upstream] : undefined;
  if (system === undefined || system === 'sandbox' || SANDBOX_OPERATIONS.has(route.operationId)) return undefined;
  return system;
}

export interface CatalogueUpstreamDeps {
  metrics: Pick<GatewayMetrics, 'circuitBreakerState' | 'upstreamFailures'>;
  now?: () => number;
  /** Tests drive retries without waiting on the wall clock. */
  sleep?: (ms: number) => Promise<unknown>;
  random?: () => number;
}

/**
 * Request headers never sent to a catalogue upstream: hop-by-hop and framing, the partner's credentials (the
 * upstream trusts Concord, not the partner: Concord adds its own), and what Concord sets itself.
 */
const NEVER_FORWARDED = [
  'host', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect', 'content-length',
  'authorization', 'proxy-authorization', 'x-api-key', 'cookie', 'x-correlation-id', 'traceparent',
  // The answer must stay readable to response validation; compressing toward the partner is the edge's business.
  'accept-encoding',
];

interface Upstream {
  config: UpstreamConfig;
  pool: Pool;
  tokenAgent?: Agent;
  guard: UpstreamGuard;
  gate: Gate;
  credentials?: Credentials;
  rewrite(url: string): string;
  /** One handler per upstream: routes differ only in their path, which the request carries. */
  handler: RouteHandlerMethod;
}

/**
 * The catalogue's upstreams, each with its own keep-alive pool (TLS and mTLS as configured), admission gate,
 * timeout, breaker, retry policy and credentials, built once at start. `handlerFor` serves a contract operation
 * that names the upstream (`x-concord-upstream`, or a system mapped by `systems:`) by proxying it there.
 */
export function createCatalogueUpstreams(catalogue: Catalogue, deps: CatalogueUpstreamDeps) {
  const upstreams = new Map<string, Upstream>();
  for (const config of Object.values(catalogue.upstreams)) upstreams.set(config.name, build(config, deps));

  function get(name: string): Upstream {
    const u = upstreams.get(name);
    if (!u) throw new Error(`the upstream catalogue has no upstream '${name}'`);
    return u;
  }

  return {
    has: (name: string): boolean => upstreams.has(name),
    /** The handler serving `route` from the upstream `name`; throws for a name the catalogue lacks. */
    handlerFor(name: string, _route: RouteManifestEntry): RouteHandlerMethod {
      return get(name).handler;
    },
    /** For /readyz: open breaker → down, half open (or due to try again) → degraded. */
    states(): Record<string, UpstreamState> {
      return Object.fromEntries([...upstreams].map(([name, u]) => [name, breakerStatus(u.guard.breaker)]));
    },
    /**
     * A fetch toward the upstream for code that calls it directly rather than through a route: its URL prefix,
     * TLS, credentials, added headers, timeout and breaker apply (no retries: the caller owns those).
     */
    fetchFor(name: string): typeof fetch {
      const u = get(name);
      return async (input, init) => {
        const request = new Request(input, init);
        if (!u.guard.breaker.tryAcquire()) return new Response(null, { status: 503, headers: { 'retry-after': '1' } });
        const headers: Record<string, string> = {};
        request.headers.forEach((value, key) => (headers[key] = value));
        Object.assign(headers, u.config.headers.add);
        await u.credentials?.apply(headers);
        const url = new URL(request.url);
        try {
          const { statusCode, headers: resHeaders, body } = await u.pool.request({
            path: u.rewrite(`${url.pathname}${url.search}`),
            method: request.method as Dispatcher.HttpMethod,
            headers,
            ...(request.body ? { body: Buffer.from(await request.arrayBuffer()) } : {}),
            headersTimeout: u.config.timeoutMs,
            bodyTimeout: u.config.timeoutMs,
          });
          const payload = await body.arrayBuffer();
          u.guard.outcome(statusCode < 500, '5xx');
          const h = new Headers();
          for (const [k, v] of Object.entries(resHeaders)) if (typeof v === 'string') h.set(k, v);
          return new Response(statusCode === 204 || statusCode === 304 ? null : payload, { status: statusCode, headers: h });
        } catch (err) {
          u.guard.outcome(false, 'unreachable');
          throw err;
        }
      };
    },
    async close() {
      for (const u of upstreams.values()) u.gate.close();
      await Promise.all([...upstreams.values()].flatMap((u) => [u.pool.close(), ...(u.tokenAgent ? [u.tokenAgent.close()] : [])]));
    },
  };
}

export type CatalogueUpstreams = ReturnType<typeof createCatalogueUpstreams>;

function build(config: UpstreamConfig, deps: CatalogueUpstreamDeps): Upstream {
  const origin = new URL(config.url).origin;
  const connect = tlsConnectOptions(config.tls);
  const pool = new Pool(origin, { connections: config.maxInFlight, keepAliveTimeout: 30_000, ...(connect ? { connect } : {}) });
  const guard = createUpstreamGuards({ timeoutMs: config.timeoutMs, breaker: config.breaker, metrics: deps.metrics, ...(deps.now ? { now: deps.now } : {}) }).for(config.name);
  const gate = createGate({
    maxInFlight: config.maxInFlight,
    maxWaitMs: config.queue.maxWaitMs,
    ...(config.rateLimit ? { rateLimit: config.rateLimit } : {}),
    ...(deps.now ? { now: deps.now } : {}),
  });
  // The token endpoint is usually another host; it trusts the same CA (an internal PKI), never the client cert.
  const tokenAgent = config.auth?.type === 'oauth2' && connect?.ca ? new Agent({ connect: { ca: connect.ca } }) : undefined;
  const credentials = createCredentials(config.auth, { timeoutMs: config.timeoutMs, ...(tokenAgent ? { dispatcher: tokenAgent } : {}), ...(deps.now ? { now: deps.now } : {}) });
  const blocked = new Set([...NEVER_FORWARDED, ...config.headers.strip.map((h) => h.toLowerCase())]);
  const added = Object.entries(config.headers.add).map(([k, v]) => [k.toLowerCase(), v] as const);
  const rewrite = pathRewriter(config, credentials?.query);

  const headers = (req: FastifyRequest): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const name in req.headers) {
      if (blocked.has(name)) continue;
      const v = req.headers[name];
      if (typeof v === 'string') out[name] = v;
      else if (Array.isArray(v)) out[name] = v.join(', ');
    }
    out['x-correlation-id'] = req.id;
    out.traceparent = req.traceparent;
    for (const [k, v] of added) out[k] = v;
    return out;
  };

  const handler = proxyHandler({
    name: config.name,
    pool,
    guard,
    gate,
    retry: config.retries,
    ...(credentials ? { credentials } : {}),
    headers,
    path: (req) => rewrite(req.url),
    // An upstream that is not Concord: every 5xx says it is in trouble.
    isFailure: (status) => status >= 500,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    ...(deps.random ? { random: deps.random } : {}),
  });
  return { config, pool, ...(tokenAgent ? { tokenAgent } : {}), guard, gate, ...(credentials ? { credentials } : {}), rewrite, handler };
}
