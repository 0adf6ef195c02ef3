import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Queryable } from '../db/database';
import { countPendingDeadLetters } from './dead-letters';

/** Why an event was dead-lettered: refused before publish (schema), or a consumer kept failing on it. */
export type DeadLetterKind = 'validation' | 'consumer';

export interface EventMetrics {
  published: Counter<'type'>;
  deadLettered: Counter<'type' | 'reason_kind'>;
  backlog: Gauge;
  publishLatency: Histogram<'type'>;
}

/**
 * The event backbone's metrics, registered in the registry given (never prom-client's global one). With a
 * database, the dead-letter depth is read from it at scrape time.
 */
export function createEventMetrics(registry: Registry, db?: Queryable): EventMetrics {
  const registers = [registry];
  if (db) {
    new Gauge({
      name: 'concord_dead_letters_pending',
      help: 'Dead letters not replayed yet (the dead-letter depth).',
      registers,
      async collect() {
        this.set(await countPendingDeadLetters(db));
      },
    });
  }
  return {
    published: new Counter({
      name: 'concord_events_published_total',
      help: 'Events the outbox relay published and the bus accepted, by type.',
      labelNames: ['type'],
      registers,
    }),
    deadLettered: new Counter({
      name: 'concord_events_dead_lettered_total',
      help: 'Events dead-lettered, by type and reason kind: validation (refused before publish) or consumer (a consumer kept failing).',
      labelNames: ['type', 'reason_kind'],
      registers,
    }),
    backlog: new Gauge({
      name: 'concord_outbox_backlog',
      help: 'Outbox events not yet published, as of the relay’s last run.',
      registers,
    }),
    publishLatency: new Histogram({
      name: 'concord_outbox_publish_latency_seconds',
      help: 'Time from appending an event to the outbox to the bus accepting it, by type.',
      labelNames: ['type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
  };
}
