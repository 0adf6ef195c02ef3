import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Queryable } from '../../platform/db/database';

/** Returns received or inspected whose units wait for their disposition: a gauge here, and an ops-summary figure. */
export async function countReturnsPendingDisposition(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: string | number }>(`SELECT count(*) AS n FROM returns.returns WHERE status IN ('received', 'inspected')`);
  return Number(rows[0]?.n ?? 0);
}

/** Refunds whose ERP credit memo is in exception, by the return's channel. */
export async function countRefundExceptionsByChannel(db: Queryable): Promise<Map<string, number>> {
  const { rows } = await db.query<{ channel: string; n: string | number }>(
    `SELECT channel, count(*) AS n FROM returns.jobs WHERE kind = 'credit_memo' AND status = 'exception' GROUP BY channel`,
  );
  return new Map(rows.map((r) => [r.channel, Number(r.n)]));
}

/** Business metrics of the returns workflow on /metrics. The gauges are read from the database at scrape time. */
export function createReturnMetrics(registry: Registry, db: Queryable) {
  new Gauge({
    name: 'concord_returns_pending_disposition',
    help: 'Returns received or inspected whose units wait for their disposition',
    registers: [registry],
    async collect() {
      this.set(await countReturnsPendingDisposition(db));
    },
  });
  new Gauge({
    name: 'concord_refunds_in_exception',
    help: 'Refunds whose ERP credit memo is in exception (gave up after N attempts, or refused by ERP), by channel',
    labelNames: ['channel'],
    registers: [registry],
    async collect() {
      const byChannel = await countRefundExceptionsByChannel(db);
      this.reset();
      for (const [channel, n] of byChannel) this.set({ channel }, n);
    },
  });
  const exceptions = new Counter({
    name: 'concord_refund_exceptions_total',
    help: 'ERP credit memos that went to exception, by the return channel',
    labelNames: ['channel'],
    registers: [registry],
  });
  return { refundException: (channel: string) => exceptions.inc({ channel }) };
}
