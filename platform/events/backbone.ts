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
  const bus = opts.natsUrl
    ? await loadNatsBus()({ url: opts.natsUrl, logger, deadLetters, ...(opts.natsNamespace === undefined ? {} : { namespace: opts.natsNamespace }) })
    : createInProcessBus({ logger, deadLetters });
  const relay = createOutboxRelay({
    db,
    bus,
    logger,
    deadLetters,
    ...(metrics ? { metrics } : {}),
    ...(opts.pollIntervalMs === undefined ? {} : { pollIntervalMs: opts.pollIntervalMs }),
  });
  const replayer = createDeadLetterReplayer({ db, bus, deadLetters, logger });
  return {
    bus,
    relay,
    deadLetters,
    replayer,
    handlers: createDeadLetterHandlers({ deadLetters, replayer }),
    ...(metrics ? { metrics } : {}),
    async close() {
      await relay.stop();
      await bus.close();
    },
  };
}
