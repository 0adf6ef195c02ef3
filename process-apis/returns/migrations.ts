import type { Migration } from '../../platform/db/migrate';

/**
 * The returns workflow's tables (schema `returns`).
 * - `returns`: the return document plus the columns it is found by. `order_id` finds an order's other returns,
 *   which the quantity check and the refund's tender allocation read under the order's row lock.
 * - `jobs`: downstream work a return owes ERP (the credit memo) and WMS (the return receipt), written in the
 *   transaction of the step that makes it due and worked off by the returns worker, oldest first per system.
 */
export const returnMigrations: readonly Migration[] = [
  {
    id: 'returns/0001_returns_jobs',
    sql: `
      CREATE SCHEMA IF NOT EXISTS returns;
      CREATE TABLE returns.returns (
        id          text COLLATE "C" PRIMARY KEY,
        order_id    text COLLATE "C" NOT NULL,
        partner_key text COLLATE "C" NOT NULL,
        channel     text NOT NULL,
        status      text NOT NULL,
        doc         jsonb NOT NULL,
        created_at  timestamptz NOT NULL,
        updated_at  timestamptz NOT NULL
      );
      CREATE INDEX returns_order ON returns.returns (order_id);
      CREATE INDEX returns_partner_newest ON returns.returns (partner_key, id DESC);
      CREATE INDEX returns_status ON returns.returns (status);

      CREATE TABLE returns.jobs (
        id              bigserial PRIMARY KEY,
        return_id       text COLLATE "C" NOT NULL REFERENCES returns.returns (id),
        system          text NOT NULL CHECK (system IN ('erp', 'wms')),
        kind            text NOT NULL CHECK (kind IN ('credit_memo', 'return_receipt')),
        location_id     text NOT NULL DEFAULT '',
        channel         text NOT NULL,
        status          text NOT NULL CHECK (status IN ('pending', 'done', 'exception')),
        attempts        integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        leased_until    timestamptz,
        lease_token     text,
        last_error      text,
        last_attempt_at timestamptz,
        external_ref    text,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        UNIQUE (return_id, kind, location_id)
      );
      CREATE INDEX return_jobs_pending ON returns.jobs (system, id) WHERE status = 'pending';
    `,
  },
];
