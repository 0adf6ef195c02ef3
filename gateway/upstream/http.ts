import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { Pool, errors as undiciErrors } from 'undici';
import type { RouteManifestEntry } from '../../codegen/manifest-types';
import type { UpstreamGuard, UpstreamGuards } from './guard';
import { markUpstreamResponse } from './in-process';

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

/** Request headers passed on: the caller's credentials and intent, and this hop's trace. Hop-by-hop headers are not. */
const FORWARDED = ['authorization', 'x-api-key', 'content-type', 'accept', 'idempotency-key'];
/** Response headers not passed back: framing (Fastify sets its own) and what this gateway sets itself. */
const NOT_RETURNED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date', 'x-correlation-id', 'traceparent', 'ratelimit', 'ratelimit-policy']);

interface Upstream {
  target: HttpUpstreamTarget;
  pool: Pool;
  guard: UpstreamGuard;
}

/**
 * The upstream call over HTTP, for `concord start --role gateway`: the gateway runs the edge policies and passes
 * the request to the role serving the operation through a keep-alive undici pool per target. Every call has a
 * timeout, and each target a circuit breaker: while it is open the gateway answers 503 problem+json with
 * Retry-After at once instead of queueing callers behind a dead upstream.
 */
export function createHttpUpstreams(targets: Record<string, HttpUpstreamTarget>, options: HttpUpstreamOptions) {
  const upstreams = new Map<string, Upstream>(
    Object.entries(targets).map(([key, target]) => [
      key,
      { target, pool: new Pool(target.url, { connections: options.connections ?? 64, keepAliveTimeout: 30_000 }), guard: options.guards.for(target.name) },
    ]),
  );

  function handlerFor(key: string, route: RouteManifestEntry): RouteHandlerMethod {
    const u = upstreams.get(key);
    if (!u) throw new Error(`no HTTP upstream '${key}' for ${route.operationId}`);
    return async function proxied(req: FastifyRequest, reply: FastifyReply) {
      const { guard } = u;
      const refused = guard.refuse(req, reply);
      if (refused) return refused;
      const headers: Record<string, string> = { 'x-correlation-id': req.id, traceparent: req.traceparent };
      for (const name of FORWARDED) {
        const v = req.headers[name];
        if (typeof v === 'string') headers[name] = v;
      }
      // The body was parsed (and validated) here; it is sent on as JSON. Only JSON bodies reach proxied routes.
      const body = req.body === undefined || req.body === null ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      let res;
      try {
        res = await u.pool.request({
          path: req.url,
          method: req.method as 'GET',
          headers,
          ...(body !== undefined ? { body } : {}),
          headersTimeout: guard.timeoutMs,
          bodyTimeout: guard.timeoutMs,
        });
      } catch (err) {
        const timedOut = err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError;
        guard.outcome(false, timedOut ? 'timeout' : 'unreachable');
        req.log.warn({ err, upstream: u.target.name }, 'upstream call failed');
        return timedOut
          ? guard.fail(req, reply, 504, 'timeout', `The ${u.target.name} service did not answer within ${guard.timeoutMs} ms.`)
          : guard.fail(req, reply, 503, 'unreachable', `The ${u.target.name} service could not be reached.`, 1);
      }
      let payload: Buffer;
      try {
        payload = Buffer.from(await res.body.arrayBuffer());
      } catch (err) {
        guard.outcome(false, 'timeout');
        req.log.warn({ err, upstream: u.target.name }, 'upstream response failed');
        return guard.fail(req, reply, 504, 'timeout', `The ${u.target.name} service did not finish its answer within ${guard.timeoutMs} ms.`);
      }
      // 503 is a role answering that it cannot serve yet (start-up, a sandbox system that is down): alive, and not
      // a reason to cut off every other operation of that role. Errors and gateway-type failures count.
      guard.outcome(!(res.statusCode >= 500 && res.statusCode !== 503), '5xx');
      for (const [name, value] of Object.entries(res.headers)) {
        if (value !== undefined && !NOT_RETURNED.has(name)) reply.header(name, value);
      }
      markUpstreamResponse(req);
      return reply.code(res.statusCode).send(payload);
    };
  }

  return {
    handlerFor,
    breaker: (key: string) => upstreams.get(key)?.guard.breaker,
    async close() {
      await Promise.all([...upstreams.values()].map((u) => u.pool.close()));
    },
  };
}

export type HttpUpstreams = ReturnType<typeof createHttpUpstreams>;
