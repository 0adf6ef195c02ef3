import type { Readable } from 'node:stream';
import type { StoredResponse } from './stored-response';

/**
 * Which outcomes of an executed handler are stored and replayed. Any answer below 500 is the handler's definite
 * answer to this request (a 201, or a 409 "out of stock", or a 404), and repeating the request must give it
 * again. Not stored, so the key is released and a retry runs the handler again:
 * - 5xx: the handler threw, the upstream failed or timed out, a breaker was open. These are transient by nature,
 *   and a retry is exactly what the client should do.
 * - 408 and 429: "try again later" by definition; storing them would pin a transient refusal to the key for a day.
 */
export function isStoredStatus(status: number): boolean {
  return status < 500 && status !== 408 && status !== 429;
}

/**
 * Headers that are not part of the stored response: framing and connection headers (recomputed for every
 * response), and headers that earlier policies set per request (the replay carries the current request's
 * correlation id and rate-limit state, not the first one's). Cookies are never stored.
 */
const NOT_STORED = new Set([
  'connection',
  'content-length',
  'date',
  'keep-alive',
  'transfer-encoding',
  'set-cookie',
  'x-correlation-id',
  'traceparent',
  'tracestate',
  'ratelimit',
  'ratelimit-policy',
  'retry-after',
  'idempotency-replayed',
]);

export function storedHeaders(headers: Record<string, number | string | string[] | undefined>): StoredResponse['headers'] {
  const out: StoredResponse['headers'] = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || NOT_STORED.has(lower)) continue;
    out[lower] = typeof value === 'number' ? String(value) : value;
  }
  return out;
}

/**
 * The onSend payload as bytes. Fastify has serialized objects by then, so it is a string, a Buffer, nothing, or
 * a stream (a proxied upstream body); a stream is read to the end, and the caller sends the bytes instead.
 * Responses of idempotent operations are small resources, which is what makes buffering them acceptable.
 */
export async function payloadBytes(payload: unknown): Promise<Buffer> {
  if (payload === undefined || payload === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(payload)) return payload;
  if (typeof payload === 'string') return Buffer.from(payload);
  if (payload instanceof Uint8Array) return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  if (isReadable(payload)) {
    const chunks: Buffer[] = [];
    for await (const chunk of payload) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  }
  throw new TypeError(`idempotency: cannot store a response payload of type ${typeof payload}`);
}

function isReadable(value: unknown): value is Readable {
  return typeof value === 'object' && value !== null && typeof (value as Readable).pipe === 'function' && Symbol.asyncIterator in value;
}
