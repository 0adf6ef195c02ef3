/** Keys longer than this are refused: Stripe's limit, and the column's CHECK. */
export const MAX_KEY_LENGTH = 255;

export type KeyHeader =
  | { kind: 'absent' }
  | { kind: 'key'; key: string }
  | { kind: 'invalid'; message: string };

/**
 * Reads the `Idempotency-Key` header. The IETF draft defines it as a structured-field String
 * (`Idempotency-Key: "8e03978e-…"`), while Stripe-style clients send the bare token; both are accepted and mean
 * the same key. The key must be 1–255 printable ASCII characters, so it is safe in logs, SQL text columns and
 * Redis key names.
 */
export function readKeyHeader(value: string | string[] | undefined): KeyHeader {
  if (value === undefined) return { kind: 'absent' };
  // Node joins repeated unknown headers with ", ", but a header it delivers as an array is a repeat all the same.
  if (Array.isArray(value)) return { kind: 'invalid', message: 'must be sent once' };
  const key = unquote(value.trim());
  if (key === undefined) return { kind: 'invalid', message: 'is not a valid structured-field string' };
  if (key.length === 0) return { kind: 'invalid', message: 'must not be empty' };
  if (key.length > MAX_KEY_LENGTH) return { kind: 'invalid', message: `must be at most ${MAX_KEY_LENGTH} characters` };
  if (!/^[\x20-\x7e]+$/.test(key)) return { kind: 'invalid', message: 'must be printable ASCII' };
  return { kind: 'key', key };
}

/** RFC 8941 §4.2.5 for a value that starts with a quote; anything else is the bare key. */
function unquote(value: string): string | undefined {
  if (!value.startsWith('"')) return value;
  let out = '';
  for (let i = 1; i < value.length; i += 1) {
    const c = value[i];
    if (c === '\\') {
      const next = value[i + 1];
      if (next !== '"' && next !== '\\') return undefined;
      out += next;
      i += 1;
    } else if (c === '"') {
      return i === value.length - 1 ? out : undefined;
    } else {
      out += c;
    }
  }
  return undefined; // no closing quote
}
