import { setTimeout as sleep } from 'node:timers/promises';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../logger';
import type { DependencyStatus } from '../server/readiness';

/** Reconnect delays: 250 ms doubling up to 2 s, so a relay waiting on NATS drains within seconds of its return. */
export const reconnectDelay = (attempt: number, maxMs = 2000): number => Math.min(maxMs, 250 * 2 ** Math.max(0, attempt));

export interface NatsLink {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

export interface NatsConnectionOptions {
  url: string;
  logger: Logger;
  /** Runs on every new link (the first, and each fresh one after the old one closed): creates the streams. */
  prepare: (jsm: JetStreamManager) => Promise<void>;
  /** Called whenever the server is reachable again after an outage (reconnected or dialled anew). */
  onRestored: () => void;
  maxDelayMs?: number;
}

export interface ManagedNatsConnection {
  /** The live link; throws while a fresh one is being dialled. */
  link(): NatsLink;
  /** `ok` connected, `degraded` reconnecting (publishes wait in the outbox), `down` no connection at all. */
  status(): DependencyStatus;
  close(): Promise<void>;
}

/**
 * One NATS connection that never gives up: nats.js reconnects forever (`maxReconnectAttempts: -1`) with a short
 * capped backoff, and should the connection still close (a server that refuses us, a protocol error) a fresh one
 * is dialled with the same backoff until `close()`. nats.js's default gives up after 10 attempts (~20 s) and a
 * closed connection never comes back, which left the relay's backlog stuck after a 20 s outage (issue 18).
 */
export async function openNatsConnection(opts: NatsConnectionOptions): Promise<ManagedNatsConnection> {
  const { logger } = opts;
  const maxDelay = opts.maxDelayMs ?? 2000;
  let closing = false;
  let attempts = 0;
  let state: DependencyStatus = 'down';
  let current: NatsLink | undefined;

  const dial = async (): Promise<NatsLink> => {
    const nc = await connect({
      servers: opts.url,
      name: 'concord-events',
      maxReconnectAttempts: -1,
      reconnectDelayHandler: () => reconnectDelay(attempts++, maxDelay),
      // A server that stops answering (not only one that closed the socket) is noticed within ~30 s.
      pingInterval: 10_000,
      maxPingOut: 3,
    });
    try {
      const jsm = await jetstreamManager(nc);
      await opts.prepare(jsm);
      return { nc, js: jetstream(nc), jsm };
    } catch (err) {
      await nc.close().catch(() => {});
      throw err;
    }
  };

  const watch = (l: NatsLink) => {
    void (async () => {
      for await (const s of l.nc.status()) {
        if (s.type === 'disconnect' || s.type === 'reconnecting') {
          if (state === 'ok') logger.warn({ type: s.type }, 'NATS connection lost; reconnecting');
          state = 'degraded';
        } else if (s.type === 'reconnect') {
          attempts = 0;
          state = 'ok';
          logger.info('NATS connection restored');
          opts.onRestored();
        }
      }
    })().catch(() => {});
    void l.nc.closed().then(async (err) => {
      if (closing || current !== l) return;
      current = undefined;
      state = 'down';
      logger.error({ err }, 'NATS connection closed; dialling a new one');
      for (let n = 0; !closing; n++) {
        await sleep(reconnectDelay(n, maxDelay));
        if (closing) return;
        try {
          const fresh = await dial();
          if (closing) {
            await fresh.nc.close();
            return;
          }
          current = fresh;
          attempts = 0;
          state = 'ok';
          watch(fresh);
          logger.info('NATS connection re-established');
          opts.onRestored();
          return;
        } catch (e) {
          logger.warn({ err: e, attempt: n + 1 }, 'dialling NATS failed; retrying');
        }
      }
    });
  };

  current = await dial();
  state = 'ok';
  watch(current);

  return {
    link() {
      if (!current) throw new Error('NATS is unreachable; reconnecting');
      return current;
    },
    status: () => state,
    async close() {
      closing = true;
      const l = current;
      current = undefined;
      state = 'down';
      if (l && !l.nc.isClosed()) await l.nc.drain();
    },
  };
}
