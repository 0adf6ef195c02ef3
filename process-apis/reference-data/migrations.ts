import type { Migration } from '../../platform/db/migrate';

/**
 * Concord's copy of the ERP item master, price list and location master (schema `refdata`). Order intake
 * validates against this copy, so it keeps accepting orders while ERP is down; `syncReferenceData` refreshes it.
 */
export const referenceDataMigrations: readonly Migration[] = [
  {
    id: 'refdata/0001_items_locations',
    sql: `
      CREATE SCHEMA IF NOT EXISTS refdata;
      CREATE TABLE refdata.items (
        sku          text COLLATE "C" PRIMARY KEY,
        name         text NOT NULL,
        currency     text NOT NULL,
        price        bigint NOT NULL CHECK (price >= 0),
        tax_rate_bp  integer NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
        active       boolean NOT NULL,
        synced_at    timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE refdata.locations (
        id                      text COLLATE "C" PRIMARY KEY,
        name                    text NOT NULL,
        type                    text NOT NULL,
        parent_id               text,
        pickup_enabled          boolean NOT NULL,
        ship_from_store_enabled boolean NOT NULL,
        synced_at               timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
];
