import type { Migration } from '../../platform/db/migrate';
import { sandboxTablesSql } from '../sandbox/tables';

/**
 * The ERP's schema. ERP keeps its own copy of everything it receives and reads no other schema. Document numbers
 * come from one sequence per document kind; amounts are integer minor units in the document's currency; ids and
 * SKUs use the "C" collation so their order is byte order on PGlite and on every PostgreSQL.
 */
export const erpMigrations: readonly Migration[] = [
  {
    id: 'erp/0001_init',
    sql: `
      CREATE SCHEMA erp;

      CREATE TABLE erp.items (
        sku         text COLLATE "C" PRIMARY KEY,
        name        text NOT NULL,
        currency    text NOT NULL,
        price       bigint NOT NULL CHECK (price >= 0),
        tax_rate_bp integer NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
        active      boolean NOT NULL DEFAULT true
      );

      CREATE TABLE erp.locations (
        id                      text COLLATE "C" PRIMARY KEY,
        position                integer NOT NULL UNIQUE,
        name                    text NOT NULL,
        type                    text NOT NULL CHECK (type IN ('network', 'region', 'dc', 'store', 'dark_store', '3pl')),
        parent_id               text COLLATE "C" REFERENCES erp.locations (id),
        pickup_enabled          boolean NOT NULL,
        ship_from_store_enabled boolean NOT NULL
      );

      CREATE SEQUENCE erp.sales_order_no;
      CREATE TABLE erp.sales_orders (
        no               bigint PRIMARY KEY DEFAULT nextval('erp.sales_order_no'),
        external_ref     text COLLATE "C" NOT NULL UNIQUE,
        channel          text NOT NULL,
        channel_order_id text,
        currency         text NOT NULL,
        customer         jsonb NOT NULL,
        shipping_address jsonb,
        tenders          jsonb NOT NULL,
        subtotal         bigint NOT NULL,
        discount         bigint NOT NULL,
        shipping         bigint NOT NULL,
        tax_total        bigint NOT NULL,
        total            bigint NOT NULL CHECK (total >= 0),
        credited_total   bigint NOT NULL DEFAULT 0 CHECK (credited_total BETWEEN 0 AND total),
        status           text NOT NULL CHECK (status IN ('open', 'invoiced', 'cancelled', 'credited')),
        cancel_reason    text,
        received_at      timestamptz(3) NOT NULL,
        updated_at       timestamptz(3) NOT NULL,
        cancelled_at     timestamptz(3)
      );
      CREATE INDEX sales_orders_by_status ON erp.sales_orders (status, no);

      CREATE TABLE erp.sales_order_lines (
        sales_order_no bigint NOT NULL REFERENCES erp.sales_orders (no),
        line_no        integer NOT NULL,
        order_line_id  text,
        sku            text COLLATE "C" NOT NULL REFERENCES erp.items (sku),
        quantity       integer NOT NULL CHECK (quantity >= 1),
        unit_price     bigint NOT NULL,
        tax            bigint NOT NULL,
        PRIMARY KEY (sales_order_no, line_no)
      );

      CREATE SEQUENCE erp.credit_memo_no;
      CREATE TABLE erp.credit_memos (
        no                 bigint PRIMARY KEY DEFAULT nextval('erp.credit_memo_no'),
        external_ref       text COLLATE "C" NOT NULL UNIQUE,
        sales_order_no     bigint NOT NULL REFERENCES erp.sales_orders (no),
        order_external_ref text COLLATE "C" NOT NULL,
        reason             text,
        currency           text NOT NULL,
        amount             bigint NOT NULL,
        tax_reversed       bigint NOT NULL,
        lines              jsonb NOT NULL,
        allocations        jsonb NOT NULL,
        posted_at          timestamptz(3) NOT NULL
      );
      CREATE INDEX credit_memos_by_order ON erp.credit_memos (order_external_ref, no);
      CREATE INDEX credit_memos_by_sales_order ON erp.credit_memos (sales_order_no, no);

      CREATE SEQUENCE erp.inventory_adjustment_no;
      CREATE TABLE erp.inventory_adjustments (
        no              bigint PRIMARY KEY DEFAULT nextval('erp.inventory_adjustment_no'),
        sku             text COLLATE "C" NOT NULL REFERENCES erp.items (sku),
        location_id     text COLLATE "C" NOT NULL REFERENCES erp.locations (id),
        delta           integer NOT NULL CHECK (delta <> 0),
        reason          text NOT NULL,
        note            text,
        source          text NOT NULL,
        source_sequence bigint NOT NULL,
        occurred_at     timestamptz(3),
        booked_at       timestamptz(3) NOT NULL
      );
      CREATE INDEX inventory_adjustments_by_sku ON erp.inventory_adjustments (sku, no);
      CREATE INDEX inventory_adjustments_by_location ON erp.inventory_adjustments (location_id, no);
      ${sandboxTablesSql('erp')}
    `,
  },
];
