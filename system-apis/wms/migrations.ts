import type { Migration } from '../../platform/db/migrate';
import { sandboxTablesSql } from '../sandbox/tables';

/**
 * The WMS's schema: its own copies of the nodes it runs and the items it handles, and its documents. Fulfilment
 * order lines are rows because shipments update them; the other documents' lines never change and are jsonb.
 */
export const wmsMigrations: readonly Migration[] = [
  {
    id: 'wms/0001_init',
    sql: `
      CREATE SCHEMA wms;

      CREATE TABLE wms.nodes (
        id   text COLLATE "C" PRIMARY KEY,
        name text NOT NULL,
        type text NOT NULL CHECK (type IN ('dc', 'dark_store', '3pl'))
      );

      CREATE TABLE wms.items (
        sku  text COLLATE "C" PRIMARY KEY,
        name text NOT NULL
      );

      CREATE SEQUENCE wms.fulfilment_order_no;
      CREATE TABLE wms.fulfilment_orders (
        no                  bigint PRIMARY KEY DEFAULT nextval('wms.fulfilment_order_no'),
        external_ref        text COLLATE "C" NOT NULL UNIQUE,
        order_id            text COLLATE "C" NOT NULL,
        fulfilment_group_id text NOT NULL,
        node_id             text COLLATE "C" NOT NULL REFERENCES wms.nodes (id),
        ship_to             jsonb NOT NULL,
        status              text NOT NULL CHECK (status IN ('created', 'released', 'partially_shipped', 'shipped', 'cancelled')),
        cancel_reason       text,
        created_at          timestamptz(3) NOT NULL,
        updated_at          timestamptz(3) NOT NULL,
        released_at         timestamptz(3),
        cancelled_at        timestamptz(3)
      );
      CREATE INDEX fulfilment_orders_by_status ON wms.fulfilment_orders (status, no);

      CREATE TABLE wms.fulfilment_order_lines (
        fulfilment_order_no bigint NOT NULL REFERENCES wms.fulfilment_orders (no),
        position            integer NOT NULL,
        line_id             text NOT NULL,
        sku                 text COLLATE "C" NOT NULL REFERENCES wms.items (sku),
        quantity            integer NOT NULL CHECK (quantity >= 1),
        shipped_quantity    integer NOT NULL DEFAULT 0 CHECK (shipped_quantity BETWEEN 0 AND quantity),
        PRIMARY KEY (fulfilment_order_no, line_id),
        UNIQUE (fulfilment_order_no, position)
      );

      CREATE SEQUENCE wms.shipment_confirmation_no;
      CREATE TABLE wms.shipment_confirmations (
        no                      bigint PRIMARY KEY DEFAULT nextval('wms.shipment_confirmation_no'),
        shipment_id             text COLLATE "C" NOT NULL UNIQUE,
        fulfilment_order_no     bigint NOT NULL REFERENCES wms.fulfilment_orders (no),
        carrier                 text NOT NULL,
        tracking_number         text NOT NULL,
        lines                   jsonb NOT NULL,
        fulfilment_order_status text NOT NULL,
        shipped_at              timestamptz(3) NOT NULL,
        confirmed_at            timestamptz(3) NOT NULL
      );
      CREATE INDEX shipment_confirmations_by_fulfilment_order ON wms.shipment_confirmations (fulfilment_order_no, no);

      CREATE SEQUENCE wms.return_receipt_no;
      CREATE TABLE wms.return_receipts (
        no          bigint PRIMARY KEY DEFAULT nextval('wms.return_receipt_no'),
        return_id   text COLLATE "C" NOT NULL,
        location_id text COLLATE "C" NOT NULL REFERENCES wms.nodes (id),
        lines       jsonb NOT NULL,
        received_at timestamptz(3) NOT NULL,
        recorded_at timestamptz(3) NOT NULL
      );
      CREATE INDEX return_receipts_by_return ON wms.return_receipts (return_id, no);

      CREATE SEQUENCE wms.inventory_movement_no;
      CREATE TABLE wms.inventory_movements (
        no              bigint PRIMARY KEY DEFAULT nextval('wms.inventory_movement_no'),
        type            text NOT NULL,
        sku             text COLLATE "C" NOT NULL REFERENCES wms.items (sku),
        location_id     text COLLATE "C" NOT NULL REFERENCES wms.nodes (id),
        quantity        integer NOT NULL,
        source          text NOT NULL,
        source_sequence bigint NOT NULL,
        occurred_at     timestamptz(3) NOT NULL,
        reference       text,
        status          text NOT NULL CHECK (status IN ('accepted', 'applied')),
        received_at     timestamptz(3) NOT NULL,
        applied_at      timestamptz(3)
      );
      CREATE INDEX inventory_movements_by_sku ON wms.inventory_movements (sku, no);
      CREATE INDEX inventory_movements_by_location ON wms.inventory_movements (location_id, no);
      ${sandboxTablesSql('wms')}
    `,
  },
];
