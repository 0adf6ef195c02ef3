import type { Migration } from '../../platform/db/migrate';
import { sandboxTablesSql } from '../sandbox/tables';

/**
 * The POS's schema: its own copies of the stores it runs and the items it sells (with the tax rate a till
 * applies), and its documents. Lines never change once recorded, so they are jsonb.
 */
export const posMigrations: readonly Migration[] = [
  {
    id: 'pos/0001_init',
    sql: `
      CREATE SCHEMA pos;

      CREATE TABLE pos.stores (
        id             text COLLATE "C" PRIMARY KEY,
        name           text NOT NULL,
        pickup_enabled boolean NOT NULL
      );

      CREATE TABLE pos.items (
        sku         text COLLATE "C" PRIMARY KEY,
        name        text NOT NULL,
        currency    text NOT NULL,
        price       bigint NOT NULL CHECK (price >= 0),
        tax_rate_bp integer NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000)
      );

      CREATE SEQUENCE pos.store_sale_no;
      CREATE TABLE pos.store_sales (
        no              bigint PRIMARY KEY DEFAULT nextval('pos.store_sale_no'),
        store_id        text COLLATE "C" NOT NULL REFERENCES pos.stores (id),
        receipt_id      text NOT NULL,
        currency        text NOT NULL,
        lines           jsonb NOT NULL,
        tenders         jsonb NOT NULL,
        total           bigint NOT NULL,
        source_sequence bigint NOT NULL,
        occurred_at     timestamptz(3) NOT NULL,
        recorded_at     timestamptz(3) NOT NULL
      );
      CREATE INDEX store_sales_by_store ON pos.store_sales (store_id, no);

      CREATE SEQUENCE pos.pickup_no;
      CREATE TABLE pos.pickups (
        no                  bigint PRIMARY KEY DEFAULT nextval('pos.pickup_no'),
        external_ref        text COLLATE "C" NOT NULL UNIQUE,
        order_id            text COLLATE "C" NOT NULL,
        fulfilment_group_id text NOT NULL,
        store_id            text COLLATE "C" NOT NULL REFERENCES pos.stores (id),
        lines               jsonb NOT NULL,
        customer            jsonb NOT NULL,
        status              text NOT NULL CHECK (status IN ('pending', 'ready', 'collected', 'cancelled')),
        pickup_code         text NOT NULL,
        cancel_reason       text,
        created_at          timestamptz(3) NOT NULL,
        updated_at          timestamptz(3) NOT NULL,
        ready_at            timestamptz(3),
        collected_at        timestamptz(3),
        cancelled_at        timestamptz(3)
      );
      CREATE INDEX pickups_by_store ON pos.pickups (store_id, no);
      CREATE INDEX pickups_by_status ON pos.pickups (status, no);

      CREATE SEQUENCE pos.in_store_return_no;
      CREATE TABLE pos.in_store_returns (
        no                bigint PRIMARY KEY,
        concord_return_id text COLLATE "C",
        forwarding_status text NOT NULL CHECK (forwarding_status IN ('forwarded', 'pending')),
        forwarding_error  text,
        store_id          text COLLATE "C" NOT NULL REFERENCES pos.stores (id),
        order_id          text COLLATE "C" NOT NULL,
        lines             jsonb NOT NULL,
        customer_email    text NOT NULL,
        note              text,
        created_at        timestamptz(3) NOT NULL,
        updated_at        timestamptz(3) NOT NULL
      );
      CREATE INDEX in_store_returns_pending ON pos.in_store_returns (no) WHERE forwarding_status = 'pending';

      CREATE SEQUENCE pos.stock_count_no;
      CREATE TABLE pos.stock_counts (
        no              bigint PRIMARY KEY DEFAULT nextval('pos.stock_count_no'),
        store_id        text COLLATE "C" NOT NULL REFERENCES pos.stores (id),
        counts          jsonb NOT NULL,
        source_sequence bigint NOT NULL,
        occurred_at     timestamptz(3) NOT NULL,
        status          text NOT NULL CHECK (status IN ('accepted', 'applied')),
        received_at     timestamptz(3) NOT NULL,
        applied_at      timestamptz(3)
      );
      ${sandboxTablesSql('pos')}
    `,
  },
];
