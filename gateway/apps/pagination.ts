import { RegistryError } from './errors';

/** Page sizes as the contract's Limit parameter allows them. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface Position {
  createdAt: string;
  id: string;
}

/**
 * Keyset cursors over `(created_at, id)`: pages stay stable while rows are added, unlike offsets. The cursor is
 * opaque to clients (base64url JSON) so its contents can change without an API change.
 */
export function encodeCursor(pos: Position): string {
  return Buffer.from(JSON.stringify([pos.createdAt, pos.id])).toString('base64url');
}

export function decodeCursor(cursor: string): Position {
  const bad = () => new RegistryError('invalid', 'cursor is not one this API returned', '/cursor');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw bad();
  const [createdAt, id] = parsed as unknown[];
  if (typeof createdAt !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(createdAt))) throw bad();
  return { createdAt, id };
}

export function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new RegistryError('invalid', `limit must be an integer from 1 to ${MAX_PAGE_SIZE}`, '/limit');
  }
  return limit;
}
