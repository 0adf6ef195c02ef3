import type { Migration } from '../../platform/db/migrate';

/**
 * Order intake's tables (schema `orders`).
 * - `orders`: the canonical order document plus the columns it is found by. The business key
 *   (partner, channel, marketplace, source order id) is UNIQUE: the same marketplace order under a second
 *   Idempotency-Key finds the first one instead of creating another.
 * - `sync_jobs`: the downstream work each order owes ERP, WMS and POS, written in the order's transaction and
 *   worked off by the sync worker in id order per system (oldest first).
 * - `groups`: each fulfilment group's document in WMS or POS, for tracking pick release and shipments.
 * - `applied_shipments`: shipment confirmations and collections already applied, so none is applied twice.
 */
export const orderMigrations: readonly Migration[] = [
  {
    id: 'orders/0001_orders_sync',
    sql: `
      CREATE SCHEMA IF NOT EXISTS orders;
      CREATE TABLE orders.orders (
        id              text COLLATE "C" PRIMARY KEY,
        partner_key     text COLLATE "C" NOT NULL,
        channel         text NOT NULL,
        marketplace     text COLLATE "C" NOT NULL DEFAULT '',
        source_order_id text COLLATE "C" NOT NULL,
        status          text NOT NULL,
        doc             jsonb NOT NULL,
        created_at      timestamptz NOT NULL,
        updated_at      timestamptz NOT NULL,
        UNIQUE (partner_key, channel, marketplace, source_order_id)
      );
      CREATE INDEX orders_partner_newest ON orders.orders (partner_key, id DESC);
      CREATE INDEX orders_newest ON orders.orders (id DESC);

      CREATE TABLE orders.sync_jobs (
        id              bigserial PRIMARY KEY,
        order_id        text COLLATE "C" NOT NULL REFERENCES orders.orders (id),
        system          text NOT NULL CHECK (system IN ('erp', 'wms', 'pos')),
        action          text NOT NULL CHECK (action IN ('create', 'cancel')),
        group_id        text,
        status          text NOT NULL CHECK (status IN ('pending', 'done', 'exception', 'skipped')),
        attempts        integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        leased_until    timestamptz,
        lease_token     text,
        last_error      text,
        last_attempt_at timestamptz,
        external_ref    text,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX sync_jobs_pending ON orders.sync_jobs (system, id) WHERE status = 'pending';
      CREATE INDEX sync_jobs_order ON orders.sync_jobs (order_id);

      CREATE TABLE orders.groups (
        order_id     text COLLATE "C" NOT NULL REFERENCES orders.orders (id),
        group_id     text NOT NULL,
        system       text NOT NULL CHECK (system IN ('wms', 'pos')),
        external_ref text,
        open         boolean NOT NULL DEFAULT true,
        polled_at    timestamptz NOT NULL DEFAULT '-infinity',
        PRIMARY KEY (order_id, group_id)
      );
      CREATE INDEX groups_to_poll ON orders.groups (polled_at) WHERE open AND external_ref IS NOT NULL;

      CREATE TABLE orders.applied_shipments (
        id         text COLLATE "C" PRIMARY KEY,
        order_id   text COLLATE "C" NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
];
