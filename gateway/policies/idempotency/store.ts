import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Queryable } from '../../../platform/db/database';
import type { InstanceLiveness } from '../../../platform/db/instance-liveness';
import { createRedisLock } from './redis-lock';
import type { RedisLock } from './redis-lock';
import { headersParam, readLiveRow } from './stored-response';
import type { KeyRow, StoredResponse } from './stored-response';

export type { StoredResponse } from './stored-response';

export type BeginResult =
  /** This request holds the key now: run the handler, then `complete` or `abandon` with `token`. */
  | { kind: 'proceed'; token: string }
  /** The key completed for the same request: answer with the stored response. */
  | ({ kind: 'replay' } & StoredResponse)
  /** The key was used for a different request (fingerprint), completed or still running. */
  | { kind: 'mismatch' }
  /** The same request is still being handled under this key. */
  | { kind: 'in-flight' };

export interface IdempotencyStore {
  begin(clientId: string, key: string, fingerprint: string): Promise<BeginResult>;
  /** Stores the outcome and releases the claim. False when the claim had been lost (see README, "Locks"). */
  complete(clientId: string, key: string, response: StoredResponse, token: string): Promise<boolean>;
  /**
   * Stores the outcome inside the caller's transaction, so it commits with the handler's state change (DESIGN.md:
   * "the state change, the stored response and the outbox events commit together"). The claim itself is still
   * held afterwards: settle it with `abandon`, which then only releases a Redis lock. False when the claim was lost.
   */
  completeWithin(tx: Queryable, clientId: string, key: string, response: StoredResponse, token: string): Promise<boolean>;
  /** Releases the claim and stores nothing, so the key can be used again at once. False when it was not held. */
  abandon(clientId: string, key: string, token: string): Promise<boolean>;
  /** Deletes expired rows (they already behave as absent); for a periodic job. Returns how many went. */
  purgeExpired(): Promise<number>;
  /**
   * Releases the in-flight claim rows of instances that are no longer running (a starting instance calls it for
   * its crashed predecessors). Returns how many went. Redis locks of dead instances are released when met.
   */
  releaseDeadClaims(): Promise<number>;
}

export interface IdempotencyStoreOptions {
  db: Queryable;
  /**
   * Where claim rows are written (without Redis); `db` when not given. Pass the database's `asyncCommit`, which
   * saves one wait for the disk per new key. Losing a claim in a database crash changes nothing that matters: an
   * in-process handler's own commit flushes the claim first (the log is written in order), so a lost claim
   * means the handler committed nothing and its retry must run; a proxied upstream may have acted, and its retry
   * then runs it again at once, where a surviving claim would have answered 409 until `lockSeconds` and then let
   * it run again all the same (docs/adr/0008-postgres-round-trips.md).
   */
  claimDb?: Queryable;
  /** When given, in-flight claims live in Redis (shared by all instances); stored responses stay in `db`. */
  redis?: Redis;
  /** How long a completed key keeps its response, counted from completion. */
  ttlSeconds?: number;
  /** How long a claim holds the key before it is presumed crashed and may be taken over. */
  lockSeconds?: number;
  redisKeyPrefix?: string;
  /** The clock for expiry (and, without Redis, for claims). Redis expires its locks on its own clock. */
  now?: () => Date;
  /**
   * This process's instance: claims carry its id, and a claim whose instance is dead is released at once rather
   * than after `lockSeconds` (ADR 0012). Without it a crashed claim waits out its lease.
   */
  instance?: InstanceLiveness;
}

export const DEFAULT_TTL_SECONDS = 86_400;
export const DEFAULT_LOCK_SECONDS = 60;
export const DEFAULT_REDIS_KEY_PREFIX = 'concord:idem';

/** `begin` retries when a row changes between its two statements (released, expired, taken over); rarely more than once. */
const BEGIN_ATTEMPTS = 4;

/**
 * The token names the claim, the instance holding it and the fingerprint (`<instance>/<random>:<fingerprint>`), so a
 * lock alone can tell a retry from a conflict and a live holder from a dead one.
 */
const newToken = (fingerprint: string, instance?: InstanceLiveness) =>
  `${instance ? `${instance.id}/` : ''}${randomBytes(12).toString('hex')}:${fingerprint}`;
const fingerprintOf = (token: string) => token.slice(token.indexOf(':') + 1);
const instanceOf = (token: string): string | null => {
  const slash = token.indexOf('/');
  return slash > 0 && slash < token.indexOf(':') ? token.slice(0, slash) : null;
};

/** True when `holder` is another instance that is no longer running: its claim may be released. */
const heldByDead = async (instance: InstanceLiveness | undefined, holder: string | null | undefined): Promise<boolean> =>
  instance !== undefined && holder !== undefined && holder !== instance.id && !(await instance.isAlive(holder));

const addSeconds = (date: Date, seconds: number) => new Date(date.getTime() + seconds * 1000);

/** The answer for a live row that this request did not claim. */
function answerFor(row: KeyRow, fingerprint: string, now: Date): BeginResult | 'retry' {
  if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
  if (row.response) return { kind: 'replay', ...row.response };
  // A stale claim with the same fingerprint is taken over by the claiming statement; it went stale meanwhile.
  if (row.lockedUntil && row.lockedUntil <= now) return 'retry';
  return { kind: 'in-flight' };
}

/**
 * Creates the store. The stored responses are always rows in `concord.idempotency_keys`; the claims are either
 * rows there too (the embedded default) or Redis locks (several instances against one Redis).
 */
export function createIdempotencyStore(options: IdempotencyStoreOptions): IdempotencyStore {
  const { db, redis } = options;
  const ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  const lockSeconds = options.lockSeconds ?? DEFAULT_LOCK_SECONDS;
  const now = options.now ?? (() => new Date());
  if (!(ttlSeconds > 0) || !(lockSeconds > 0)) throw new RangeError('idempotency store: ttlSeconds and lockSeconds must be > 0');

  const purgeExpired = async () => {
    const { rows } = await db.query('DELETE FROM concord.idempotency_keys WHERE expires_at <= $1 RETURNING 1', [now()]);
    return rows.length;
  };
  const { instance } = options;
  const releaseDeadClaims = async () => {
    if (!instance || redis) return 0;
    const { rows } = await db.query<{ instance_id: string | null }>(
      `SELECT DISTINCT instance_id FROM concord.idempotency_keys WHERE state = 'in_flight' AND instance_id IS DISTINCT FROM $1`,
      [instance.id],
    );
    let released = 0;
    for (const { instance_id: holder } of rows) {
      if (await instance.isAlive(holder)) continue;
      const { rows: gone } = await db.query(
        `DELETE FROM concord.idempotency_keys WHERE state = 'in_flight' AND instance_id IS NOT DISTINCT FROM $1 RETURNING 1`,
        [holder],
      );
      released += gone.length;
    }
    return released;
  };
  const settings = { db, claimDb: options.claimDb ?? db, ttlSeconds, lockSeconds, now, instance };
  const claims = redis
    ? redisClaims(settings, createRedisLock(redis, options.redisKeyPrefix ?? DEFAULT_REDIS_KEY_PREFIX, Math.ceil(lockSeconds * 1000)))
    : databaseClaims(settings);
  return { ...claims, purgeExpired, releaseDeadClaims };
}

interface Settings {
  db: Queryable;
  claimDb: Queryable;
  ttlSeconds: number;
  lockSeconds: number;
  now: () => Date;
  instance: InstanceLiveness | undefined;
}

type Claims = Omit<IdempotencyStore, 'purgeExpired' | 'releaseDeadClaims'>;

/**
 * Claims as rows. One statement claims a key that is unused, expired, or held by a stale claim for the same
 * request; PostgreSQL's ON CONFLICT locks the conflicting row, so of two racing requests exactly one gets it.
 */
function databaseClaims({ db, claimDb, ttlSeconds, lockSeconds, now, instance }: Settings): Claims {
  const claims: Claims = {
    async begin(clientId, key, fingerprint) {
      for (let attempt = 0; attempt < BEGIN_ATTEMPTS; attempt += 1) {
        const at = now();
        const token = newToken(fingerprint, instance);
        const { rows } = await claimDb.query<{ lock_token: string }>(
          `INSERT INTO concord.idempotency_keys AS k
                  (client_id, key, fingerprint, state, created_at, expires_at, locked_until, lock_token, instance_id)
           VALUES ($1, $2, $3, 'in_flight', $4, $5, $6, $7, $8)
           ON CONFLICT (client_id, key) DO UPDATE
              SET fingerprint = EXCLUDED.fingerprint, state = 'in_flight', status = NULL, response_headers = NULL,
                  response_body = NULL, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at,
                  locked_until = EXCLUDED.locked_until, lock_token = EXCLUDED.lock_token, instance_id = EXCLUDED.instance_id
            WHERE k.expires_at <= EXCLUDED.created_at
               OR (k.state = 'in_flight' AND k.locked_until <= EXCLUDED.created_at AND k.fingerprint = EXCLUDED.fingerprint)
           RETURNING lock_token`,
          [clientId, key, fingerprint, at, addSeconds(at, ttlSeconds), addSeconds(at, lockSeconds), token, instance?.id ?? null],
        );
        if (rows[0]?.lock_token === token) return { kind: 'proceed', token };
        const row = await readLiveRow(db, clientId, key, at);
        // A claim of a crashed instance is released as if abandoned, whatever request it was for; then claim again.
        if (row?.state === 'in_flight' && row.lockToken && (await heldByDead(instance, row.instanceId))) {
          await db.query(`DELETE FROM concord.idempotency_keys WHERE client_id = $1 AND key = $2 AND state = 'in_flight' AND lock_token = $3`, [
            clientId,
            key,
            row.lockToken,
          ]);
          continue;
        }
        const answer = row ? answerFor(row, fingerprint, at) : 'retry';
        if (answer !== 'retry') return answer;
      }
      // Only under pathological churn on one key; the client's retry is the safe way out.
      return { kind: 'in-flight' };
    },

    async completeWithin(tx, clientId, key, response, token) {
      const { rows } = await tx.query(
        `UPDATE concord.idempotency_keys
            SET state = 'completed', status = $4, response_headers = $5::text::jsonb, response_body = $6,
                expires_at = $7, locked_until = NULL, lock_token = NULL, instance_id = NULL
          WHERE client_id = $1 AND key = $2 AND state = 'in_flight' AND lock_token = $3
          RETURNING 1`,
        [clientId, key, token, response.status, headersParam(response.headers), response.body, addSeconds(now(), ttlSeconds)],
      );
      return rows.length === 1;
    },

    complete(clientId, key, response, token) {
      return claims.completeWithin(db, clientId, key, response, token);
    },

    async abandon(clientId, key, token) {
      const { rows } = await db.query(
        `DELETE FROM concord.idempotency_keys
          WHERE client_id = $1 AND key = $2 AND state = 'in_flight' AND lock_token = $3
          RETURNING 1`,
        [clientId, key, token],
      );
      return rows.length === 1;
    },
  };
  return claims;
}

/**
 * Claims as Redis locks, responses as rows. Stored responses are checked first, so a replay never touches
 * Redis; after taking a lock the row is read again, because the previous holder may have stored its response
 * and released the lock between the first read and the lock.
 */
function redisClaims({ db, ttlSeconds, now, instance }: Settings, lock: RedisLock): Claims {
  const storedAnswer = async (clientId: string, key: string, fingerprint: string, at: Date) => {
    const row = await readLiveRow(db, clientId, key, at);
    return row?.state === 'completed' ? answerFor(row, fingerprint, at) : undefined;
  };

  const claims: Claims = {
    async begin(clientId, key, fingerprint) {
      for (let attempt = 0; attempt < BEGIN_ATTEMPTS; attempt += 1) {
        const at = now();
        const stored = await storedAnswer(clientId, key, fingerprint, at);
        if (stored && stored !== 'retry') return stored;

        const token = newToken(fingerprint, instance);
        if (await lock.acquire(clientId, key, token)) {
          const storedMeanwhile = await storedAnswer(clientId, key, fingerprint, at);
          if (!storedMeanwhile || storedMeanwhile === 'retry') return { kind: 'proceed', token };
          await lock.release(clientId, key, token);
          return storedMeanwhile;
        }
        const holder = await lock.holder(clientId, key);
        // The lock of a crashed instance is released at once rather than left to expire; then take it again.
        if (holder !== undefined && (await heldByDead(instance, instanceOf(holder)))) {
          await lock.release(clientId, key, holder);
          continue;
        }
        if (holder !== undefined) return fingerprintOf(holder) === fingerprint ? { kind: 'in-flight' } : { kind: 'mismatch' };
        // Released between SET and GET: look again.
      }
      return { kind: 'in-flight' };
    },

    async completeWithin(tx, clientId, key, response, token) {
      // Checked just before the write: a holder whose lock expired does not overwrite the claim of the next one.
      if ((await lock.holder(clientId, key)) !== token) return false;
      const at = now();
      // An expired row is replaced; a live one would mean the lock was broken, and the first outcome stands.
      const { rows } = await tx.query(
        `INSERT INTO concord.idempotency_keys AS k
                (client_id, key, fingerprint, state, status, response_headers, response_body, created_at, expires_at)
         VALUES ($1, $2, $3, 'completed', $4, $5::text::jsonb, $6, $7, $8)
         ON CONFLICT (client_id, key) DO UPDATE
            SET fingerprint = EXCLUDED.fingerprint, state = 'completed', status = EXCLUDED.status,
                response_headers = EXCLUDED.response_headers, response_body = EXCLUDED.response_body,
                created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at, locked_until = NULL, lock_token = NULL
          WHERE k.expires_at <= EXCLUDED.created_at
         RETURNING 1`,
        [clientId, key, fingerprintOf(token), response.status, headersParam(response.headers), response.body, at, addSeconds(at, ttlSeconds)],
      );
      return rows.length === 1;
    },

    async complete(clientId, key, response, token) {
      const stored = await claims.completeWithin(db, clientId, key, response, token);
      await lock.release(clientId, key, token);
      return stored;
    },

    abandon: (clientId, key, token) => lock.release(clientId, key, token),
  };
  return claims;
}
