import type { FastifyRequest, RouteHandlerMethod } from 'fastify';
import { Pool } from 'undici';
import type { RouteManifestEntry } from '../../codegen/manifest-types';
import type { UpstreamGuards } from './guard';
import { proxyHandler } from './proxy';

export interface HttpUpstreamTarget {
  /** For metrics and logs, e.g. `process` or `system`. */
  name: string;
  /** Base URL of the role serving it, e.g. http://10.0.0.5:8081. */
  url: string;
}

export interface HttpUpstreamOptions {
  /** The timeout and breaker of each target, named after the target. */
  guards: UpstreamGuards;
  connections?: number;
}

/** Request headers passed on to a Concord role: the caller's credentials and intent (the role authenticates again). */
const FORWARDED = ['authorization', 'x-api-key', 'content-type', 'accept', 'idempotency-key'];

function roleHeaders(req: FastifyRequest): Record<string, string> {
  const headers: Record<string, string> = { 'x-correlation-id': req.id, traceparent: req.traceparent };
  for (const name of FORWARDED) {
    const v = req.headers[name];
    if (typeof v === 'string') headers[name] = v;
  }
  return headers;
}

/**
 * The upstream call over HTTP, for `concord start --role gateway`: the gateway runs the edge policies and passes
 * the request to the role serving the operation through a keep-alive undici pool per target. Every call has a
 * timeout, and each target a circuit breaker: while it is open the gateway answers 503 problem+json with
 * Retry-After at once instead of queueing callers behind a dead upstream. The proxying itself is `proxy.ts`,
 * shared with the catalogue upstreams.
 */
export function createHttpUpstreams(targets: Record<string, HttpUpstreamTarget>, options: HttpUpstreamOptions) {
  const handlers = new Map<string, RouteHandlerMethod>();
  const pools: Pool[] = [];
  const guardOf = new Map<string, ReturnType<UpstreamGuards['for']>>();
  for (const [key, target] of Object.entries(targets)) {
    const pool = new Pool(target.url, { connections: options.connections ?? 64, keepAliveTimeout: 30_000 });
    const guard = options.guards.for(target.name);
    pools.push(pool);
    guardOf.set(key, guard);
    handlers.set(
      key,
      proxyHandler({
        name: target.name,
        pool,
        guard,
        headers: roleHeaders,
        path: (req) => req.url,
        // 503 is a role answering that it cannot serve yet (start-up, a sandbox system that is down): alive, and
        // not a reason to cut off every other operation of that role. Errors and gateway-type failures count.
        isFailure: (status) => status >= 500 && status !== 503,
      }),
    );
  }

  return {
    handlerFor(key: string, route: RouteManifestEntry): RouteHandlerMethod {
      const handler = handlers.get(key);
      if (!handler) throw new Error(`no HTTP upstream '${key}' for ${route.operationId}`);
      return handler;
    },
    breaker: (key: string) => guardOf.get(key)?.breaker,
    async close() {
      await Promise.all(pools.map((p) => p.close()));
    },
  };
}

export type HttpUpstreams = ReturnType<typeof createHttpUpstreams>;
