import type { Migration } from '../../../platform/db/migrate';

/**
 * Stored idempotency keys, one row per (app, key).
 *
 * - Without Redis a row is first `in_flight` (the claim: `lock_token` names the holder, `locked_until` is when a
 *   crashed holder's claim may be taken over), then `completed` with the stored response. With Redis the claim
 *   lives in Redis and rows are only ever written `completed`.
 * - The body is `bytea`: it is replayed byte for byte, whatever its media type.
 * - Timestamps are `timestamptz(3)`, the precision of a JavaScript Date, since the store passes its own clock.
 * - Ids use the "C" collation: keys compare byte-wise on PGlite and on every PostgreSQL, whatever its locale.
 */
export const idempotencyMigrations: readonly Migration[] = [
  {
    id: 'gateway-idempotency/0001_keys',
    sql: `
      CREATE TABLE concord.idempotency_keys (
        client_id        text COLLATE "C" NOT NULL,
        key              text COLLATE "C" NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
        fingerprint      text NOT NULL,
        state            text NOT NULL CHECK (state IN ('in_flight', 'completed')),
        status           integer CHECK (status BETWEEN 100 AND 599),
        response_headers jsonb,
        response_body    bytea,
        created_at       timestamptz(3) NOT NULL,
        expires_at       timestamptz(3) NOT NULL,
        locked_until     timestamptz(3),
        lock_token       text,
        PRIMARY KEY (client_id, key),
        -- A claim has a holder and no response; a completed key has a response and no holder.
        CHECK (
          (state = 'in_flight' AND lock_token IS NOT NULL AND locked_until IS NOT NULL
             AND status IS NULL AND response_headers IS NULL AND response_body IS NULL)
          OR
          (state = 'completed' AND lock_token IS NULL AND locked_until IS NULL
             AND status IS NOT NULL AND response_headers IS NOT NULL AND response_body IS NOT NULL)
        )
      );
      -- For purgeExpired(): expired rows already behave as absent, this only reclaims the space.
      CREATE INDEX idempotency_keys_expiry ON concord.idempotency_keys (expires_at);
    `,
  },
  {
    // The instance holding an in-flight claim, so a claim of a dead instance is released at once (ADR 0012).
    id: 'gateway-idempotency/0002_claim_instance',
    sql: `ALTER TABLE concord.idempotency_keys ADD COLUMN instance_id text;`,
  },
];
