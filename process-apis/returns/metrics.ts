import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Queryable } from '../../platform/db/database';

/** Business metrics of the returns workflow on /metrics. The gauges are read from the database at scrape time. */
export function createReturnMetrics(registry: Registry, db: Queryable) {
  new Gauge({
    name: 'concord_returns_pending_disposition',
    help: 'Returns received or inspected whose units wait for their disposition',
    registers: [registry],
    async collect() {
      const { rows } = await db.query<{ n: string | number }>(`SELECT count(*) AS n FROM returns.returns WHERE status IN ('received', 'inspected')`);
      this.set(Number(rows[0]?.n ?? 0));
    },
  });
  new Gauge({
    name: 'concord_refunds_in_exception',
    help: 'Refunds whose ERP credit memo is in exception (gave up after N attempts, or refused by ERP), by channel',
    labelNames: ['channel'],
    registers: [registry],
    async collect() {
      const { rows } = await db.query<{ channel: string; n: string | number }>(
        `SELECT channel, count(*) AS n FROM returns.jobs WHERE kind = 'credit_memo' AND status = 'exception' GROUP BY channel`,
      );
      this.reset();
      for (const r of rows) this.set({ channel: r.channel }, Number(r.n));
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
