import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Queryable } from '../../platform/db/database';
import type { ApplyOutcome } from './ingest/apply-update';

/** Inventory metrics on /metrics. The gap gauge is read from the database at scrape time. */
export function createAvailabilityMetrics(registry: Registry, db: Queryable) {
  const updates = (kind: string, help: string) => new Counter({ name: `concord_inventory_updates_${kind}_total`, help, labelNames: ['source'], registers: [registry] });
  const applied = updates('applied', 'Inventory updates applied, by source');
  const stale = updates('stale', 'Inventory updates ignored as stale (a lower sequence than the last applied), by source');
  const duplicate = updates('duplicate', 'Inventory updates ignored as duplicates (a sequence seen before), by source');
  const lag = new Histogram({
    name: 'concord_inventory_event_lag_seconds',
    help: "Time from an inventory update's own timestamp to Concord applying it, by location",
    labelNames: ['location'],
    buckets: [0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
    registers: [registry],
  });
  new Gauge({
    name: 'concord_inventory_sequence_gaps',
    help: 'Open gaps in inventory update sequences (per source × SKU × location), by source',
    labelNames: ['source'],
    registers: [registry],
    async collect() {
      const { rows } = await db.query<{ source: string; n: string | number }>('SELECT source, count(*) AS n FROM inventory.sequence_gaps GROUP BY source');
      this.reset();
      for (const source of ['pos', 'wms', 'erp', 'concord']) this.set({ source }, 0);
      for (const r of rows) this.set({ source: r.source }, Number(r.n));
    },
  });
  const expired = new Counter({ name: 'concord_reservations_expired_total', help: 'Reservations the sweeper expired', registers: [registry] });

  return {
    observe(outcomes: readonly ApplyOutcome[]) {
      for (const o of outcomes) {
        const source = o.update.source;
        if (o.kind === 'stale') stale.inc({ source });
        else if (o.kind === 'duplicate') duplicate.inc({ source });
        else {
          applied.inc({ source });
          if (o.lagSeconds !== undefined) lag.observe({ location: o.update.locationId }, o.lagSeconds);
        }
      }
    },
    expired: (n: number) => expired.inc(n),
  };
}

export type AvailabilityMetrics = ReturnType<typeof createAvailabilityMetrics>;
