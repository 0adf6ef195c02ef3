import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, problem } from '../../../platform/server/problem';

/** The idempotency policy's own answers. None of them claims the key, so none is stored. */
export const KEY_POINTER = '#/header/idempotency-key';

export function keyMissing(req: FastifyRequest, reply: FastifyReply) {
  return send(req, reply, 400, 'idempotency-key-missing', 'Idempotency-Key required', {
    detail: 'This operation requires an Idempotency-Key header; use a new unique value (a UUID) per logical request.',
  });
}

export function keyInvalid(req: FastifyRequest, reply: FastifyReply, message: string) {
  return send(req, reply, 400, 'validation', 'Request validation failed', { errors: [{ pointer: KEY_POINTER, message }] });
}

export function keyReused(req: FastifyRequest, reply: FastifyReply) {
  return send(req, reply, 422, 'idempotency-key-reuse', 'Idempotency-Key reused', {
    detail: 'This key was already used for a different request (method, path, query or body).',
  });
}

export function keyInFlight(req: FastifyRequest, reply: FastifyReply) {
  reply.header('Retry-After', '1');
  return send(req, reply, 409, 'idempotency-in-flight', 'Request in progress', {
    detail: 'A request with this Idempotency-Key is still being processed; retry shortly to get its result.',
  });
}

/** The store failed: refusing is the safe answer, since running the handler unguarded could run it twice. */
export function storeUnavailable(req: FastifyRequest, reply: FastifyReply) {
  reply.header('Retry-After', '1');
  return send(req, reply, 503, 'idempotency-unavailable', 'Idempotency store unavailable', {
    detail: 'The request was not processed; retry with the same Idempotency-Key.',
  });
}

function send(req: FastifyRequest, reply: FastifyReply, status: number, kind: string, title: string, extra: Parameters<typeof problem>[3]) {
  return reply
    .code(status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(problem(kind, status, title, { ...extra, correlationId: req.id }));
}
