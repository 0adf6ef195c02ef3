import type { Queryable } from '../../../platform/db/database';

/** A response as it is stored and replayed: the final status, the replayable headers and the exact body bytes. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** A live (unexpired) row, as `begin` needs it. */
export interface KeyRow {
  fingerprint: string;
  state: 'in_flight' | 'completed';
  /** Only for `completed`. */
  response?: StoredResponse;
  /** Only for `in_flight`: when a holder that has not finished may be assumed dead. */
  lockedUntil?: Date;
  /** Only for `in_flight`: the claim's token, and the instance holding it (null: claimed before instances were recorded). */
  lockToken?: string;
  instanceId?: string | null;
}

interface RawRow {
  fingerprint: string;
  state: 'in_flight' | 'completed';
  status: number | null;
  response_headers: Record<string, string | string[]> | null;
  // pg returns Buffer, PGlite Uint8Array.
  response_body: Uint8Array | null;
  locked_until: Date | string | null;
  lock_token: string | null;
  instance_id: string | null;
}

/** Reads the row for (client, key) unless it has expired: an expired key behaves exactly like an unused one. */
export async function readLiveRow(db: Queryable, clientId: string, key: string, now: Date): Promise<KeyRow | undefined> {
  const { rows } = await db.query<RawRow>(
    `SELECT fingerprint, state, status, response_headers, response_body, locked_until, lock_token, instance_id
       FROM concord.idempotency_keys
      WHERE client_id = $1 AND key = $2 AND expires_at > $3`,
    [clientId, key, now],
  );
  const row = rows[0];
  if (!row) return undefined;
  if (row.state === 'completed' && row.status !== null && row.response_headers !== null && row.response_body !== null) {
    const body = Buffer.from(row.response_body.buffer, row.response_body.byteOffset, row.response_body.byteLength);
    return { fingerprint: row.fingerprint, state: 'completed', response: { status: row.status, headers: row.response_headers, body } };
  }
  return {
    fingerprint: row.fingerprint,
    state: 'in_flight',
    instanceId: row.instance_id,
    ...(row.locked_until === null ? {} : { lockedUntil: new Date(row.locked_until) }),
    ...(row.lock_token === null ? {} : { lockToken: row.lock_token }),
  };
}

/** The jsonb parameter as text, cast in SQL: both drivers then hand PostgreSQL the same JSON document. */
export const headersParam = (headers: StoredResponse['headers']): string => JSON.stringify(headers);
