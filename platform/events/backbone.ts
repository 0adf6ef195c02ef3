import type { Registry } from 'prom-client';
import type { Database } from '../db/database';
import type { Logger } from '../logger';
import { createDeadLetterHandlers } from './dead-letter-handlers';
import type { DeadLetterHandlers } from './dead-letter-handlers';
import { createDeadLetterReplayer } from './dead-letter-replay';
import type { DeadLetterReplayer } from './dead-letter-replay';
import { createDeadLetterStore } from './dead-letters';
import type { DeadLetterStore } from './dead-letters';
import { createInProcessBus } from './in-process-bus';
import { createEventMetrics } from './metrics';
import type { EventMetrics } from './metrics';
import type * as NatsBus from './nats-bus';
import { createOutboxRelay } from './relay';
import type { OutboxRelay } from './relay';
import type { ReplayableBus } from './types';
import type { DependencyStatus } from '../server/readiness';

export interface EventBackboneOptions {
  db: Database;
  logger: Logger;
  /** Where the event metrics go, e.g. the gateway's registry behind /metrics. */
  registry?: Registry;
  /** NATS_URL: JetStream instead of the in-process bus. */
  natsUrl?: string;
  /** Tests on a shared NATS server: prefixes subjects and stream names (see createNatsBus). Default none. */
  natsNamespace?: string;
  pollIntervalMs?: number;
}

export interface EventBackbone {
  bus: ReplayableBus;
  relay: OutboxRelay;
  deadLetters: DeadLetterStore;
  replayer: DeadLetterReplayer;
  handlers: DeadLetterHandlers;
  metrics?: EventMetrics;
  /** For /readyz: present with NATS (the in-process bus cannot be down). */
  busStatus?: () => DependencyStatus;
  /** Stops the relay (after its running batch), then closes the bus. */
  close(): Promise<void>;
}

/** The NATS client is loaded only with NATS_URL: the embedded default starts without it. */
function loadNatsBus(): typeof NatsBus.createNatsBus {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./nats-bus') as typeof NatsBus).createNatsBus;
}

/**
 * Everything a Concord process needs for events, wired the one way: the bus the configuration asks for, the
 * relay (not started: call `relay.start()` in the role that publishes), the dead-letter store, replay and admin
 * handlers. The caller has applied `eventMigrations`.
 */
export async function createEventBackbone(opts: EventBackboneOptions): Promise<EventBackbone> {
  const { db, logger } = opts;
  const metrics = opts.registry ? createEventMetrics(opts.registry, db) : undefined;
  const deadLetters = createDeadLetterStore(db, metrics ? { metrics } : {});
  const nats = opts.natsUrl
    ? await loadNatsBus()({ url: opts.natsUrl, logger, deadLetters, ...(opts.natsNamespace === undefined ? {} : { namespace: opts.natsNamespace }) })
    : undefined;
  const bus: ReplayableBus = nats ?? createInProcessBus({ logger, deadLetters });
  const relay = createOutboxRelay({
    db,
    bus,
    logger,
    deadLetters,
    ...(metrics ? { metrics } : {}),
    ...(opts.pollIntervalMs === undefined ? {} : { pollIntervalMs: opts.pollIntervalMs }),
  });
  // Whatever waited in the outbox during a NATS outage goes out as soon as NATS is back, not after the relay's backoff.
  nats?.onRestored(() => relay.resume());
  const replayer = createDeadLetterReplayer({ db, bus, deadLetters, logger });
  return {
    bus,
    relay,
    deadLetters,
    replayer,
    handlers: createDeadLetterHandlers({ deadLetters, replayer }),
    ...(metrics ? { metrics } : {}),
    ...(nats ? { busStatus: () => nats.status() } : {}),
    async close() {
      await relay.stop();
      await bus.close();
    },
  };
}
