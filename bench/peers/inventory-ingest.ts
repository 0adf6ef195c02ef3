/**
 * Inventory event ingest (issue 9, part 4). Stock updates enter Concord from the systems' feeds, not from the bus:
 * the availability module polls WMS's inventory movements (and POS's and ERP's documents) through the generated
 * clients, applies each in source-sequence order to the stock positions (the projection availability queries read),
 * and writes `inventory.adjusted` (and the coalesced `inventory.availability-changed`) to the outbox, which the relay
 * publishes to the bus. The figure here is that whole path for a burst of updates: a backlog of WMS receipts is
 * written at once into the sandbox WMS (as WMS would hold them: its table, not its HTTP API, so the figure is
 * Concord's ingest and not WMS's write path), and the clock runs until every one is applied and every event it
 * caused is on the bus (outbox backlog empty; with NATS, counted in the JetStream stream).
 */
import type { BenchPlatform } from './platform';

const FEED = 'wms.inventory-movements';
const LOCATIONS = ['DC1', 'DC2'];

export interface InventoryIngestRun {
  /** WMS receipts written, each one stock update of one SKU × location, in order, one unit each. */
  updates: number;
  /** From the backlog's commit until the feed's high-water mark passed it (applied to the positions)… */
  appliedSeconds: number;
  /** …and until the outbox was empty again (every event accepted by the bus). */
  publishedSeconds: number;
  /** updates ÷ publishedSeconds: stock updates ingested end to end per second. */
  updatesPerSecond: number;
  /** Events the updates caused (one inventory.adjusted each, plus one availability-changed per position and pass)… */
  events: number;
  /** …and per second, over publishedSeconds. */
  eventsPerSecond: number;
  /** Messages the NATS INVENTORY stream gained (the in-process bus keeps no count). */
  busMessages?: number;
  /** Updates the feed applied, stale and duplicate ones excluded: equal to `updates`. */
  applied: number;
  complete: boolean;
}

async function scalar(p: BenchPlatform, sql: string, params?: unknown[]): Promise<number> {
  const [row] = await p.query<{ n: string | number | null }>(sql, params);
  return Number(row?.n ?? 0);
}

const backlog = (p: BenchPlatform) => scalar(p, 'SELECT count(*) AS n FROM events.outbox WHERE published_at IS NULL AND dead_lettered_at IS NULL');
const highWater = (p: BenchPlatform) => scalar(p, 'SELECT high_water AS n FROM inventory.feed_cursors WHERE feed = $1', [FEED]);

/** Until the feed has applied every WMS movement and the outbox is empty, so that a run starts from rest. */
async function quiescent(p: BenchPlatform, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = await scalar(p, 'SELECT coalesce(max(no), 0) AS n FROM wms.inventory_movements');
    if ((last === 0 || (await highWater(p)) >= last) && (await backlog(p)) === 0) return;
    if (Date.now() > deadline) throw new Error(`inventory ingest: not at rest within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function runInventoryIngest(p: BenchPlatform, opts: { updates: number; timeoutMs: number }): Promise<InventoryIngestRun> {
  await quiescent(p, 60_000);
  const keys = await scalar(p, 'SELECT count(*) AS n FROM inventory.positions WHERE location_id = ANY($1)', [LOCATIONS]);
  const perKey = Math.max(1, Math.ceil(opts.updates / keys));
  const firstEvent = (await scalar(p, 'SELECT coalesce(max(position), 0) AS n FROM events.outbox')) + 1;
  const streamBefore = await p.streamMessages('INVENTORY');
  // Each position's next WMS sequences, in order, round robin over the positions: no stale update, no gap.
  const [inserted] = await p.query<{ n: string; last: string }>(
    `WITH keys AS (
       SELECT p.sku, p.location_id, coalesce(s.last_sequence, 0) AS last
         FROM inventory.positions p
         LEFT JOIN inventory.source_sequences s ON s.source = 'wms' AND s.sku = p.sku AND s.location_id = p.location_id
        WHERE p.location_id = ANY($1)),
     ins AS (
       INSERT INTO wms.inventory_movements (type, sku, location_id, quantity, source, source_sequence, occurred_at, reference, status, received_at)
       SELECT 'receipt', k.sku, k.location_id, 1, 'wms', k.last + g, now(), 'bench', 'accepted', now()
         FROM keys k CROSS JOIN generate_series(1, $2::int) AS g
        ORDER BY g, k.sku, k.location_id
       RETURNING no)
     SELECT count(*) AS n, max(no) AS last FROM ins`,
    [LOCATIONS, perKey],
  );
  const t0 = performance.now();
  const updates = Number(inserted!.n);
  const last = Number(inserted!.last);
  const deadline = t0 + opts.timeoutMs;
  let appliedAt: number | undefined;
  let publishedAt: number | undefined;
  while (performance.now() < deadline) {
    if (appliedAt === undefined && (await highWater(p)) >= last) appliedAt = performance.now();
    if (appliedAt !== undefined && (await backlog(p)) === 0) {
      publishedAt = performance.now();
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const end = publishedAt ?? performance.now();
  const seconds = (t: number) => Math.round((t - t0) / 10) / 100;
  const [counts] = await p.query<{ adjusted: string; events: string }>(
    `SELECT count(*) FILTER (WHERE type = 'inventory.adjusted') AS adjusted, count(*) FILTER (WHERE type LIKE 'inventory.%' AND published_at IS NOT NULL) AS events
       FROM events.outbox WHERE position >= $1`,
    [firstEvent],
  );
  const events = Number(counts!.events);
  const streamAfter = await p.streamMessages('INVENTORY');
  const publishedSeconds = seconds(end);
  return {
    updates,
    appliedSeconds: appliedAt === undefined ? Number.NaN : seconds(appliedAt),
    publishedSeconds,
    updatesPerSecond: Math.round(updates / publishedSeconds),
    events,
    eventsPerSecond: Math.round(events / publishedSeconds),
    ...(streamBefore !== undefined && streamAfter !== undefined ? { busMessages: streamAfter - streamBefore } : {}),
    applied: Number(counts!.adjusted),
    complete: publishedAt !== undefined,
  };
}
