import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Queryable } from '../../platform/db/database';
import type { BreakerState } from '../../platform/http/circuit-breaker';
import { breakerGauge } from '../../platform/http/circuit-breaker';

const count = async (db: Queryable, sql: string) => Number((await db.query<{ n: string | number }>(sql)).rows[0]?.n ?? 0);

/** Orders whose sales order has not reached ERP yet: a gauge here, and a figure of the admin ops summary. */
export const countOrdersAwaitingErp = (db: Queryable) =>
  count(db, `SELECT count(*) AS n FROM orders.sync_jobs WHERE system = 'erp' AND action = 'create' AND status = 'pending'`);

/** Orders with any downstream sync in exception. */
export const countOrdersInException = (db: Queryable) =>
  count(db, `SELECT count(DISTINCT order_id) AS n FROM orders.sync_jobs WHERE status = 'exception'`);

/** Business metrics of order intake on /metrics. The gauges are read from the database at scrape time. */
export function createOrderMetrics(registry: Registry, db: Queryable, breakers: Pick<Gauge<'target'>, 'set'>) {
  new Gauge({
    name: 'concord_orders_awaiting_erp',
    help: 'Orders whose sales order has not reached ERP yet',
    registers: [registry],
    async collect() {
      this.set(await countOrdersAwaitingErp(db));
    },
  });
  new Gauge({
    name: 'concord_orders_in_exception',
    help: 'Orders with a downstream sync in exception (gave up after N attempts, or refused by the system)',
    registers: [registry],
    async collect() {
      this.set(await countOrdersInException(db));
    },
  });
  const acceptance = new Histogram({
    name: 'concord_order_acceptance_seconds',
    help: 'Time order intake took to answer a create, by status',
    labelNames: ['status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const exceptions = new Counter({
    name: 'concord_order_sync_exceptions_total',
    help: 'Downstream sync jobs that went to exception, by system',
    labelNames: ['system'],
    registers: [registry],
  });
  return {
    observeAcceptance: (seconds: number, status: string) => acceptance.observe({ status }, seconds),
    exception: (system: string) => exceptions.inc({ system }),
    breakerState: (target: string, state: BreakerState) => breakers.set({ target }, breakerGauge(state)),
  };
}

export type OrderMetrics = ReturnType<typeof createOrderMetrics>;
