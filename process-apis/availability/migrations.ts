import type { Migration } from '../../platform/db/migrate';

/**
 * Concord's inventory (schema `inventory`): one position per SKU × location and the reservations against it.
 * ATP = on_hand - reserved - safety_stock - damaged - quality_control (never below 0); in_transit is not promised.
 * `reserved` is the sum of active reservations, kept in the position row so that reserving is one conditional
 * UPDATE: the row lock makes concurrent reservations of the last units queue up, and none can oversell.
 */
export const inventoryMigrations: readonly Migration[] = [
  {
    id: 'inventory/0001_positions_reservations',
    sql: `
      CREATE SCHEMA IF NOT EXISTS inventory;
      CREATE TABLE inventory.positions (
        sku             text COLLATE "C" NOT NULL,
        location_id     text COLLATE "C" NOT NULL,
        on_hand         integer NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
        reserved        integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
        safety_stock    integer NOT NULL DEFAULT 0 CHECK (safety_stock >= 0),
        damaged         integer NOT NULL DEFAULT 0 CHECK (damaged >= 0),
        quality_control integer NOT NULL DEFAULT 0 CHECK (quality_control >= 0),
        in_transit      integer NOT NULL DEFAULT 0 CHECK (in_transit >= 0),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (sku, location_id)
      );
      CREATE TABLE inventory.reservations (
        id          text COLLATE "C" PRIMARY KEY,
        sku         text COLLATE "C" NOT NULL,
        location_id text COLLATE "C" NOT NULL,
        quantity    integer NOT NULL CHECK (quantity > 0),
        channel     text NOT NULL,
        order_id    text COLLATE "C",
        line_id     text,
        status      text NOT NULL CHECK (status IN ('active', 'consumed', 'released', 'expired')),
        consumed    integer NOT NULL DEFAULT 0 CHECK (consumed >= 0 AND consumed <= quantity),
        expires_at  timestamptz NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (sku, location_id) REFERENCES inventory.positions (sku, location_id)
      );
      CREATE INDEX reservations_order ON inventory.reservations (order_id);
      CREATE INDEX reservations_active_expiry ON inventory.reservations (expires_at) WHERE status = 'active';
    `,
  },
];

/**
 * What the availability API and the ordered inventory feed add to schema `inventory`:
 * - `reservations.partner_id`, so a partner reads and releases only its own reservations;
 * - an index to sum a channel's active reservations at a position (channel allocation);
 * - per source × SKU × location: the last applied sequence, every sequence seen (duplicates), the open gaps;
 * - per polled system feed: the high-water document number and the documents applied near it.
 */
export const availabilityMigrations: readonly Migration[] = [
  {
    id: 'inventory/0002_channels_sequences_feeds',
    sql: `
      ALTER TABLE inventory.reservations ADD COLUMN partner_id text;
      CREATE INDEX reservations_position_channel ON inventory.reservations (sku, location_id, channel) WHERE status = 'active';
      CREATE TABLE inventory.source_sequences (
        source        text NOT NULL,
        sku           text COLLATE "C" NOT NULL,
        location_id   text COLLATE "C" NOT NULL,
        last_sequence bigint NOT NULL,
        updated_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (source, sku, location_id)
      );
      CREATE TABLE inventory.seen_updates (
        source          text NOT NULL,
        sku             text COLLATE "C" NOT NULL,
        location_id     text COLLATE "C" NOT NULL,
        source_sequence bigint NOT NULL,
        outcome         text NOT NULL CHECK (outcome IN ('applied', 'stale')),
        seen_at         timestamptz NOT NULL,
        PRIMARY KEY (source, sku, location_id, source_sequence)
      );
      CREATE TABLE inventory.sequence_gaps (
        source        text NOT NULL,
        sku           text COLLATE "C" NOT NULL,
        location_id   text COLLATE "C" NOT NULL,
        from_sequence bigint NOT NULL,
        to_sequence   bigint NOT NULL CHECK (to_sequence >= from_sequence),
        detected_at   timestamptz NOT NULL,
        PRIMARY KEY (source, sku, location_id, from_sequence)
      );
      CREATE TABLE inventory.feed_cursors (
        feed       text PRIMARY KEY,
        high_water bigint NOT NULL DEFAULT 0,
        polled_at  timestamptz
      );
      CREATE TABLE inventory.feed_documents (
        feed       text NOT NULL,
        doc_no     bigint NOT NULL,
        applied_at timestamptz NOT NULL,
        PRIMARY KEY (feed, doc_no)
      );
    `,
  },
  {
    id: 'inventory/0003_seen_updates_retention',
    sql: `CREATE INDEX seen_updates_seen_at ON inventory.seen_updates (seen_at);`,
  },
];
