/**
 * Order intake end to end (issue 9, part 3): wrk POSTs /v2/orders through Concord's full chain at fixed concurrency,
 * 10 % of the requests being client retries with an Idempotency-Key (and body) already answered
 * (`wrk/order-intake.lua`); the order worker posts every order to ERP meanwhile. Afterwards, once ERP has them all,
 * the database is searched for a second order of one source order, or a second ERP sales order of one order.
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { shipOrder } from '../../process-apis/orders/testing/harness';
import type { BenchPlatform } from './platform';
import type { WrkResult } from './wrk';
import { parseWrk, wrkOutput } from './wrk';

const LUA = resolve(__dirname, '..', 'wrk', 'order-intake.lua');
/** Orders are spread over this many SKUs, so that they do not all queue on one stock position's row lock. */
const SKUS = 200;

export interface OrderCounts {
  /** 201 answers that created an order. */
  created: number;
  /** Retries sent, and 201 answers replayed (`Idempotency-Replayed: true`): equal when every retry was replayed. */
  retries: number;
  replayed: number;
  /** 409 (a key still in flight: never expected here, since only answered keys are retried) and anything else. */
  conflicts: number;
  other: number;
  durationUs: number;
}

export interface OrderIntakeRun extends WrkResult {
  /** New orders per second: created ÷ the run's duration (wrk's req/s counts retries too). */
  ordersPerSecond: number;
  counts: OrderCounts;
}

export interface DuplicateCheck {
  /** New-order answers the client saw over every run (warm-up included), and orders Concord stored meanwhile. */
  createdAnswers: number;
  ordersStored: number;
  /** ERP sales orders posted for those orders, and how long the worker still needed after the last run. */
  erpSalesOrders: number;
  erpDrainSeconds: number;
  /** Downstream jobs still pending when the wait gave up (0 when ERP and WMS got everything), and in exception. */
  syncJobsPending: number;
  syncJobsInException: number;
  /** Source orders stored twice, and orders with more than one ERP sales order, or none. */
  duplicateOrders: number;
  duplicateErpSalesOrders: number;
  ordersWithoutErpSalesOrder: number;
  ok: boolean;
  /**
   * PostgreSQL queries and Redis commands Concord sent from the warm-up's first order until ERP had the last one,
   * per order stored: intake, the posting to ERP and WMS, events and the background polling of that time.
   */
  pgQueriesPerOrder?: number;
  redisCommandsPerOrder?: number;
}

/** Stock for any run (every SKU at DC1), and the order bodies for the Lua script, one per SKU with its price. */
export async function prepareOrderIntake(p: BenchPlatform, dir: string): Promise<{ bodiesFile: string; before: { orders: number; erp: number } }> {
  await p.query(`UPDATE inventory.positions SET on_hand = 1000000 WHERE location_id = 'DC1'`);
  const bodiesFile = join(dir, 'order-bodies.txt');
  const lines = Array.from({ length: SKUS }, (_, i) => JSON.stringify(shipOrder('BENCH-%s', `SKU-${String(i + 1).padStart(4, '0')}`, 1)));
  await writeFile(bodiesFile, `${lines.join('\n')}\n`);
  return { bodiesFile, before: await totals(p) };
}

export async function runOrderIntake(
  wrk: string,
  p: BenchPlatform,
  opts: { bodiesFile: string; seconds: number; connections: number; runId: string },
): Promise<OrderIntakeRun> {
  const out = await wrkOutput(wrk, {
    url: `${p.url}/v2/orders`,
    seconds: opts.seconds,
    connections: opts.connections,
    threads: 2,
    script: LUA,
    env: { TOKEN: await p.token(), ORDER_BODIES: opts.bodiesFile, RUN_ID: opts.runId },
  });
  const line = /^ORDER_INTAKE (\{.*\})$/m.exec(out)?.[1];
  if (!line) throw new Error(`order-intake.lua printed no counts:\n${out}`);
  const counts = JSON.parse(line) as OrderCounts;
  const result = parseWrk(out);
  // The script's own counts replace wrk's non-2xx count, which cannot tell a replay from a conflict.
  return { ...result, ordersPerSecond: Math.round(counts.created / (counts.durationUs / 1e6)), counts };
}

async function totals(p: BenchPlatform): Promise<{ orders: number; erp: number }> {
  const [row] = await p.query<{ orders: string; erp: string }>(`SELECT (SELECT count(*) FROM orders.orders) AS orders, (SELECT count(*) FROM erp.sales_orders) AS erp`);
  return { orders: Number(row!.orders), erp: Number(row!.erp) };
}

/**
 * Waits (at most `timeoutMs`) until the worker has posted every order downstream, then looks for duplicates.
 * `maxUnanswered`: requests wrk may have left in flight when its runs stopped (their orders exist, unanswered).
 */
export async function checkNoDuplicates(
  p: BenchPlatform,
  before: { orders: number; erp: number },
  { createdAnswers, maxUnanswered, timeoutMs = 240_000 }: { createdAnswers: number; maxUnanswered: number; timeoutMs?: number },
): Promise<DuplicateCheck> {
  const started = performance.now();
  const jobs = async () => {
    const [row] = await p.query<{ pending: string; exception: string }>(
      `SELECT count(*) FILTER (WHERE status = 'pending') AS pending, count(*) FILTER (WHERE status = 'exception') AS exception FROM orders.sync_jobs`,
    );
    return { pending: Number(row!.pending), exception: Number(row!.exception) };
  };
  let state = await jobs();
  while (state.pending > 0 && performance.now() - started < timeoutMs) {
    await new Promise((r) => setTimeout(r, 250));
    state = await jobs();
  }
  const erpDrainSeconds = Math.round((performance.now() - started) / 100) / 10;
  const after = await totals(p);
  const count = async (sql: string) => Number((await p.query<{ n: string }>(sql))[0]!.n);
  const duplicateOrders = await count(
    `SELECT count(*) AS n FROM (SELECT 1 FROM orders.orders GROUP BY partner_key, channel, marketplace, source_order_id HAVING count(*) > 1) d`,
  );
  // external_ref is unique in ERP: a second sales order would come from a second Concord order of one source order.
  const duplicateErpSalesOrders = await count(
    `SELECT count(*) AS n FROM (SELECT 1 FROM erp.sales_orders s JOIN orders.orders o ON o.id = s.external_ref
       GROUP BY o.partner_key, o.channel, o.marketplace, o.source_order_id HAVING count(*) > 1) d`,
  );
  const ordersWithoutErpSalesOrder = await count(
    `SELECT count(*) AS n FROM orders.orders o WHERE o.source_order_id LIKE 'BENCH-%' AND NOT EXISTS (SELECT 1 FROM erp.sales_orders s WHERE s.external_ref = o.id)`,
  );
  const check = {
    createdAnswers,
    ordersStored: after.orders - before.orders,
    erpSalesOrders: after.erp - before.erp,
    erpDrainSeconds,
    syncJobsPending: state.pending,
    syncJobsInException: state.exception,
    duplicateOrders,
    duplicateErpSalesOrders,
    ordersWithoutErpSalesOrder,
  };
  return {
    ...check,
    ok:
      duplicateOrders === 0 &&
      duplicateErpSalesOrders === 0 &&
      ordersWithoutErpSalesOrder === 0 &&
      check.ordersStored >= createdAnswers &&
      check.ordersStored - createdAnswers <= maxUnanswered &&
      check.erpSalesOrders === check.ordersStored,
  };
}
