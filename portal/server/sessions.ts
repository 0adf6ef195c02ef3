import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../../platform/db/database';

/** Eight hours: a working day, after which the developer signs in again. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
const TOKEN_BYTES = 32;
/** Longer than any token this store issues: refused before hashing. */
const MAX_TOKEN_LENGTH = 128;

export interface SessionRecord {
  /** The stored key (the token's hash), never the token itself. */
  id: string;
  userId: string;
  csrfToken: string;
  expiresAt: Date;
}

export interface SessionStore {
  /** The token goes into the cookie; only its hash is stored. */
  create(userId: string): Promise<{ token: string; session: SessionRecord }>;
  /** The live session the cookie token names, or undefined (unknown, expired, malformed). */
  find(token: string): Promise<SessionRecord | undefined>;
  destroy(sessionId: string): Promise<void>;
  purgeExpired(): Promise<number>;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

export function createSessionStore({ db, now = () => new Date(), ttlMs = SESSION_TTL_MS }: { db: Database; now?: () => Date; ttlMs?: number }): SessionStore {
  return {
    async create(userId) {
      const token = randomBytes(TOKEN_BYTES).toString('base64url');
      const session: SessionRecord = {
        id: hashToken(token),
        userId,
        csrfToken: randomBytes(TOKEN_BYTES).toString('base64url'),
        expiresAt: new Date(now().getTime() + ttlMs),
      };
      await db.query(`INSERT INTO concord.portal_sessions (token_hash, user_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)`, [
        session.id,
        userId,
        session.csrfToken,
        session.expiresAt,
      ]);
      return { token, session };
    },
    async find(token) {
      if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return undefined;
      const row = (
        await db.query<{ token_hash: string; user_id: string; csrf_token: string; expires_at: Date | string }>(
          `SELECT token_hash, user_id, csrf_token, expires_at FROM concord.portal_sessions WHERE token_hash = $1 AND expires_at > $2`,
          [hashToken(token), now()],
        )
      ).rows[0];
      return row && { id: row.token_hash, userId: row.user_id, csrfToken: row.csrf_token, expiresAt: new Date(row.expires_at) };
    },
    async destroy(sessionId) {
      await db.query(`DELETE FROM concord.portal_sessions WHERE token_hash = $1`, [sessionId]);
    },
    async purgeExpired() {
      const result = await db.query(`DELETE FROM concord.portal_sessions WHERE expires_at <= $1 RETURNING 1`, [now()]);
      return result.rows.length;
    },
  };
}
