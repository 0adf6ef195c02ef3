/**
 * Opaque cursors for lists ordered by (timestamp, id), newest first: base64url JSON so clients never build them.
 * `decodeKeysetCursor` answers null for anything this API did not issue.
 */
export const encodeKeysetCursor = (at: string, id: string): string => Buffer.from(JSON.stringify([at, id])).toString('base64url');

export function decodeKeysetCursor(cursor: string): [at: string, id: string] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return null;
  const [at, id] = parsed as unknown[];
  if (typeof at !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(at))) return null;
  return [at, id];
}
