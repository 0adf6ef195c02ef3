import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { RouteManifestEntry } from '../../codegen/manifest-types';
import type { CallerContext } from '../../platform/http/handler-types';
import { notImplemented } from '../routing/register-routes';
import { storedHeaders } from '../policies/idempotency/response';
import { failpoint } from '../../platform/failpoints';
import type { UpstreamGuards } from './guard';
import { UpstreamTimeout, withTimeout } from './guard';
import '../pipeline/caller';

/** What an in-process service handler receives: the validated, coerced request. */
export interface ServiceRequest {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: unknown;
}

/** What it returns. The generated handler interfaces narrow status and body per operation. */
export interface ServiceResponse {
  status: number;
  body?: unknown;
  headers?: Readonly<Record<string, string>>;
}

export type ServiceHandler = (req: ServiceRequest, caller: CallerContext) => Promise<ServiceResponse>;

/**
 * The services served in process, by contract (`admin.v1`, `orders.v2`…) and operationId: one generated
 * `XxxVnHandlers` implementation per contract, so a v2 call can never reach a v1 handler that shares its
 * operationId. An operation not implemented yet answers 501.
 */
export type InProcessServices = Partial<Record<string, Partial<Record<string, ServiceHandler>>>>;

const anonymous = (req: FastifyRequest): CallerContext => ({ correlationId: req.id, scopes: [] });

/** Responses an upstream produced, as opposed to the gateway's own (401, 429, 501…): response validation judges these. */
const upstreamAnswered = new WeakSet<FastifyRequest>();
export const markUpstreamResponse = (req: FastifyRequest): void => void upstreamAnswered.add(req);
export const isUpstreamResponse = (req: FastifyRequest): boolean => upstreamAnswered.has(req);

/**
 * The upstream call on the embedded default: the operation's handler, called in process, under its service's
 * timeout and circuit breaker (`guards`, one per upstream service: orders, erp…).
 */
export function inProcessUpstream(
  services: () => InProcessServices,
  guards: UpstreamGuards,
  /** Why an operation has no handler, when the wiring knows (e.g. the sandbox systems are off). */
  whyUnserved: (route: RouteManifestEntry) => string | undefined = () => undefined,
): (route: RouteManifestEntry) => RouteHandlerMethod {
  return (route) => {
    const unserved = notImplemented(route, whyUnserved(route));
    const guard = guards.for(route.upstream);
    const contractKey = `${route.api}.v${route.version}`;
    // The media type of each status as the contract declares it (problem+json, or OAuth's plain JSON errors).
    const mediaTypeOf = new Map(Object.entries(route.responses).map(([status, r]) => [Number(status), r.contentTypes[0]]));
    // Services exist once start-up has finished (see pipeline/late-bound.ts), so the lookup happens per call.
    return async function upstream(this: unknown, req: FastifyRequest, reply: FastifyReply) {
      const handler = services()[contractKey]?.[route.operationId];
      if (!handler) return unserved.call(this as never, req, reply);
      const refused = guard.refuse(req, reply);
      if (refused) return refused;
      const commit = req.idempotencyCommit;
      let timedOut = false;
      const caller: CallerContext = { ...(req.caller ?? anonymous(req)), traceparent: req.traceparent, remoteAddress: req.ip };
      if (commit) {
        caller.idempotency = {
          // The stored response must be byte for byte what this reply sends: same headers, same JSON.
          commitResponse: (tx, response) => {
            const body = response.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(response.body));
            // After a timeout the 504 is gone already: store what this response would have carried, for the retry.
            const headers = timedOut ? storedHeaders({ 'content-type': mediaTypeFor(response), ...response.headers }) : (prepare(reply, response), storedHeaders(reply.getHeaders()));
            return commit(tx, { status: response.status, headers, body });
          },
        };
      }
      let result: ServiceResponse;
      try {
        result = await withTimeout(
          handler(
            {
              params: (req.params ?? {}) as Record<string, unknown>,
              query: (req.query ?? {}) as Record<string, unknown>,
              headers: req.headers,
              body: req.body,
            },
            caller,
          ),
          guard.timeoutMs,
        );
      } catch (err) {
        if (!(err instanceof UpstreamTimeout)) {
          guard.outcome(false, 'error');
          throw err;
        }
        timedOut = true;
        guard.outcome(false, 'timeout');
        return guard.fail(req, reply, 504, 'timeout', `The ${route.upstream} service did not answer within ${guard.timeoutMs} ms.`);
      }
      // A problem the service chose to answer (a sandbox ERP that is "down", not ready yet) is an answer, not a
      // broken service: only throwing and hanging count against the breaker.
      guard.outcome(true);
      // The crash-after-commit test kills the process here: committed, response not sent.
      failpoint(`upstream-after-handler:${route.operationId}`);
      prepare(reply, result);
      markUpstreamResponse(req);
      if (result.body === undefined) return reply.send();
      // Binary content (a client tarball) goes out as it is.
      if (Buffer.isBuffer(result.body)) return reply.send(result.body);
      // Serialized here rather than by Fastify, so a response committed with the state change is the same bytes.
      return reply.send(JSON.stringify(result.body));
    };

    function mediaTypeFor(result: ServiceResponse): string {
      return mediaTypeOf.get(result.status) ?? (result.status >= 400 ? 'application/problem+json' : 'application/json');
    }

    function prepare(reply: FastifyReply, result: ServiceResponse): void {
      if (result.headers) reply.headers(result.headers);
      reply.code(result.status);
      if (result.body === undefined) return;
      if (!reply.hasHeader('content-type')) reply.type(mediaTypeFor(result));
    }
  };
}

/**
 * Serves an implementation of a generated `XxxV1Handlers` interface in process. Those interfaces type each
 * request more narrowly than the generic adapter; the cast is sound because the pipeline has validated the
 * request against the same contract before the handler sees it.
 */
export function serveHandlers<T extends object>(handlers: T): Partial<Record<string, ServiceHandler>> {
  return handlers as unknown as Partial<Record<string, ServiceHandler>>;
}
