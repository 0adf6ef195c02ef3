/**
 * A quick order-intake run through the full gateway chain: `npx tsx bench/order-intake.ts [--seconds 10]
 * [--concurrency 10] [--postgres URL]`. 10 % of requests are client retries with an Idempotency-Key already used.
 * Afterwards it checks that no source order was stored twice and that ERP holds one sales order per order.
 * Speed is measured here, never asserted in `npm test`.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import { startPlatform } from '../platform/server/start';
import { REPO_ROOT, makeTempDir } from '../platform/testing/temp-dir';
import { shipOrder } from '../process-apis/orders/testing/harness';

async function main() {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, concurrency: { type: 'string', default: '10' }, postgres: { type: 'string' } } });
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  const dir = await makeTempDir();
  const env: Record<string, string> = {
    PORT: '0',
    CONCORD_DATA_DIR: dir.path,
    LOG_LEVEL: 'silent',
    CONCORD_PLANS: '{"sandbox":{"ratePerSecond":100000,"burst":100000}}',
    ...(values.postgres ? { DATABASE_URL: values.postgres } : {}),
  };
  const platform = await startPlatform(loadConfig(env, { root: REPO_ROOT }), createLogger({ level: 'silent' }));
  const creds = platform.bootstrap!.sandbox;
  const tokenRes = await fetch(`${platform.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: creds.client_id, client_secret: creds.client_secret }),
  });
  const { access_token } = (await tokenRes.json()) as { access_token: string };
  // Enough stock for any run: every SKU at DC1 gets a large on-hand.
  await platform.db.query(`UPDATE inventory.positions SET on_hand = 1000000 WHERE location_id = 'DC1'`);

  const used: Array<{ key: string; body: unknown }> = [];
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const deadline = Date.now() + seconds * 1000;
  let n = 0;
  const worker = async () => {
    while (Date.now() < deadline) {
      const retry = used.length > 0 && Math.random() < 0.1;
      const req = retry ? used[Math.floor(Math.random() * used.length)]! : { key: randomUUID(), body: shipOrder(`BENCH-${n++}-${randomUUID()}`, `SKU-${String(1 + (n % 200)).padStart(4, '0')}`, 1) };
      const t0 = performance.now();
      const res = await fetch(`${platform.url}/v2/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json', 'Idempotency-Key': req.key },
        body: JSON.stringify(req.body),
      });
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (!retry && res.status === 201) used.push(req);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  latencies.sort((a, b) => a - b);
  const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1);

  // Let the worker post everything to ERP, then look for duplicates.
  for (let i = 0; i < 600; i++) {
    const { rows } = await platform.db.query<{ n: string }>(`SELECT count(*) AS n FROM orders.sync_jobs WHERE status = 'pending'`);
    if (Number(rows[0]!.n) === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const dupOrders = await platform.db.query(`SELECT source_order_id FROM orders.orders GROUP BY partner_key, channel, marketplace, source_order_id HAVING count(*) > 1`);
  const dupErp = await platform.db.query(`SELECT external_ref FROM erp.sales_orders GROUP BY external_ref HAVING count(*) > 1`);
  const counts = await platform.db.query<{ orders: string; erp: string }>(`SELECT (SELECT count(*) FROM orders.orders) AS orders, (SELECT count(*) FROM erp.sales_orders) AS erp`);
  console.log(
    JSON.stringify(
      {
        database: platform.db.description,
        seconds,
        concurrency,
        requests: latencies.length,
        statuses: Object.fromEntries(statuses),
        ordersPerSecond: Math.round((statuses.get(201) ?? 0) / seconds),
        p50ms: p(0.5),
        p99ms: p(0.99),
        orders: Number(counts.rows[0]!.orders),
        erpSalesOrders: Number(counts.rows[0]!.erp),
        duplicateOrders: dupOrders.rows.length,
        duplicateErpSalesOrders: dupErp.rows.length,
      },
      null,
      2,
    ),
  );
  await platform.close();
  await dir.remove();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
