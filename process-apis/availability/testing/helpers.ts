import { demoLineTax, demoPrice } from '../../../system-apis/demo-data';
import type { Harness } from '../../orders/testing/harness';

/** One position as the database has it. */
export async function position(h: Harness, sku: string, locationId: string) {
  const { rows } = await h.platform.db.query<{ on_hand: number; reserved: number; safety_stock: number; damaged: number; quality_control: number }>(
    'SELECT on_hand, reserved, safety_stock, damaged, quality_control FROM inventory.positions WHERE sku = $1 AND location_id = $2',
    [sku, locationId],
  );
  return rows[0]!;
}

/** The value of one sample on /metrics (0 when absent), e.g. `concord_inventory_updates_stale_total{source="pos"}`. */
export async function metric(h: Harness, sample: string): Promise<number> {
  const text = await (await fetch(`${h.platform.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.slice(sample.length + 1)) : 0;
}

/** A store sale of `quantity` × `sku` at the demo price, paid in cash, with the store's sequence. */
export function storeSale(storeId: string, sku: string, quantity: number, sourceSequence: number, occurredAt: Date) {
  const price = demoPrice(Number(sku.slice(4)));
  const total = quantity * price + demoLineTax(quantity * price);
  return {
    storeId,
    receiptId: `R-${sourceSequence}-${Math.random().toString(36).slice(2, 8)}`,
    lines: [{ sku, quantity, unitPrice: { currency: 'EUR', amount: price } }],
    tenders: [{ type: 'cash', amount: { currency: 'EUR', amount: total } }],
    sourceSequence,
    occurredAt: occurredAt.toISOString(),
  };
}

/** The outbox events of one stock subject (`<sku>@<locationId>`), oldest first. */
export async function stockEvents(h: Harness, sku: string, locationId: string) {
  const { rows } = await h.platform.db.query<{ type: string; data: Record<string, unknown> }>(
    `SELECT type, payload->'data' AS data FROM events.outbox WHERE subject = $1 ORDER BY position`,
    [`${sku}@${locationId}`],
  );
  return rows;
}
