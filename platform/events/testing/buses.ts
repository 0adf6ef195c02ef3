import pino from 'pino';
import type { DeadLetterSink } from '../dead-letters';
import { createInProcessBus } from '../in-process-bus';
import { createNatsBus } from '../nats-bus';
import type { ReplayableBus } from '../types';
import { describeWithService } from '../../testing/services';
import { dropNamespace, natsUrl, testNamespace } from './nats';

export const silentLogger = pino({ level: 'silent' });

export interface BusOptions {
  deadLetters: DeadLetterSink;
  /** Deliveries before dead-lettering (maxAttempts in process, maxDeliver on NATS). */
  maxAttempts?: number;
}

export interface BusHarness {
  kind: 'in-process' | 'nats';
  /** A bus for the current test; every bus of one test shares its NATS namespace, and is closed after it. */
  bus(opts: BusOptions): Promise<ReplayableBus>;
  /** The current test's NATS namespace (undefined in process). */
  namespace(): string | undefined;
}

/**
 * Runs one suite on both buses: in process, and on the real NATS JetStream with a namespace per test (its streams
 * dropped after the test). Retries are immediate so that tests never wait on a backoff.
 */
export function describeOnBothBuses(name: string, suite: (harness: BusHarness) => void): void {
  describe(`${name} on the in-process bus`, () => {
    const open: ReplayableBus[] = [];
    afterEach(async () => {
      await Promise.all(open.splice(0).map((b) => b.close()));
    });
    suite({
      kind: 'in-process',
      namespace: () => undefined,
      bus: async ({ deadLetters, maxAttempts = 3 }) => {
        const bus = createInProcessBus({ logger: silentLogger, deadLetters, maxAttempts, retryDelayMs: () => 0 });
        open.push(bus);
        return bus;
      },
    });
  });

  describeWithService('nats', `${name} on NATS JetStream`, () => {
    const open: ReplayableBus[] = [];
    let namespace = '';
    beforeEach(() => {
      namespace = testNamespace();
    });
    afterEach(async () => {
      await Promise.all(open.splice(0).map((b) => b.close()));
      await dropNamespace(natsUrl(), namespace);
    });
    suite({
      kind: 'nats',
      namespace: () => namespace,
      bus: async ({ deadLetters, maxAttempts = 3 }) => {
        const bus = await createNatsBus({ url: natsUrl(), logger: silentLogger, deadLetters, namespace, maxDeliver: maxAttempts, redeliveryDelayMs: () => 0 });
        open.push(bus);
        return bus;
      },
    });
  });
}
