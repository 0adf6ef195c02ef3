import { createHash } from 'node:crypto';

/** What identifies "the same request" for a key: everything but the headers. */
export interface FingerprintInput {
  method: string;
  /** The raw request target as received (`req.url`): the concrete path and the query string, if any. */
  url: string;
  /** The parsed body as the route's content-type parser left it (JSON value, string, Buffer or undefined). */
  body: unknown;
}

/**
 * SHA-256 (hex) over the method, the concrete path, the query string with its parameters sorted by name, and the
 * canonical form of the body.
 *
 * - The path is the one the client sent (`/v1/orders/42`, not the template), so one key cannot be replayed
 *   against another resource.
 * - The query is included because it can change what an operation does; parameters are decoded and re-encoded
 *   (so `%41` and `A` agree) and sorted by name, stably: `?b=1&a=2` equals `?a=2&b=1`, but the order of repeated
 *   values (`?a=1&a=2`) is kept, since it can be meaningful.
 * - A JSON body is hashed as canonical JSON (object keys sorted recursively, no whitespace, numbers in
 *   ECMAScript's shortest form: RFC 8785 for what a JSON parser produces), so key order and formatting do not
 *   matter. Strings and Buffers (other media types) are hashed as they are.
 * - Headers are left out on purpose: correlation ids, tokens and user agents legitimately differ between
 *   retries of the same request.
 */
export function computeFingerprint({ method, url, body }: FingerprintInput): string {
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const query = queryAt === -1 ? '' : sortedQuery(url.slice(queryAt + 1));
  const hash = createHash('sha256');
  // The JSON array is self-delimiting, so no path or query can run into the body.
  hash.update(JSON.stringify([method.toUpperCase(), path, query]));
  hash.update('\n');
  if (body === undefined || body === null) hash.update('-');
  else if (Buffer.isBuffer(body)) hash.update('b').update(body);
  else if (typeof body === 'string') hash.update('s').update(body);
  else hash.update('j').update(canonicalJson(body));
  return hash.digest('hex');
}

export function sortedQuery(query: string): string {
  if (query === '') return '';
  const params = new URLSearchParams(query);
  params.sort();
  return params.toString();
}

/**
 * Canonical JSON for values a JSON parser produced. Recursive: the server shell refuses bodies nested deeper
 * than MAX_JSON_DEPTH (platform/server/app.ts) before any hook runs, so depth is bounded.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    // Non-finite numbers and undefined cannot come out of a JSON parser; JSON.stringify maps them like JSON does.
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, which is the order RFC 8785 prescribes.
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
}
