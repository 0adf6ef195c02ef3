/**
 * The faults. Each runs under order traffic whose clients retry with the same key (plus a deliberate duplicate of
 * every order), lets things recover, stops Concord and checks the data (harness.ts `verify`). The recovery time is
 * from the end of the fault to the last order acknowledged.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, ownNatsServer, ownRedisServer } from '../platform/testing/own-server';
import type { OwnServer } from '../platform/testing/own-server';
import { Concord, placeOrder, verify } from './harness';
import type { ConcordSetup, PlacedOrder, Verdict } from './harness';

export interface FaultResult {
  fault: string;
  orders: number;
  acknowledged: number;
  /** From the end of the fault to the last acknowledgement (ms); 0 when nothing had to wait for it. */
  recoveryMs: number;
  verdict: Verdict;
}

export interface FaultOptions {
  /** Orders of the traffic. */
  orders: number;
  /** How long the fault lasts (ms) where it has a duration. */
  faultMs: number;
  /** After the traffic, time for the background work (ERP postings, relay) to finish before the checks. */
  quietMs: number;
}

interface Environment {
  concord: Concord;
  /** The suite's own servers, when the fault needs them. */
  redis?: OwnServer;
  nats?: OwnServer;
}

type Run = (env: Environment, opts: FaultOptions) => Promise<{ placed: PlacedOrder[]; faultEndedAt: number; lastAckAt: number }>;

interface Fault {
  /** What it runs on; `ownRedis` / `ownNats` start servers of the suite's own (which the fault stops). */
  backend: { postgres?: boolean; ownRedis?: boolean; ownNats?: boolean };
  run: Run;
}

const ids = (n: number) => {
  const run = randomBytes(3).toString('hex');
  return Array.from({ length: n }, (_, i) => `CHAOS-${run}-${i}`);
};

/** Traffic: every order with one duplicate, all concurrently, each retrying until acknowledged. */
async function traffic(concord: Concord, n: number, deadlineMs: number) {
  let lastAckAt = 0;
  const placed = await Promise.all(
    ids(n).map(async (id) => {
      const p = await placeOrder(concord, id, { deadlineMs, duplicates: 1 });
      lastAckAt = Math.max(lastAckAt, Date.now());
      return p;
    }),
  );
  return { placed, lastAckAt };
}

/** Stops a server of the suite's own for `ms` while the traffic runs, then starts it again. */
async function outage(server: OwnServer | undefined, env: Environment, opts: FaultOptions) {
  const running = traffic(env.concord, opts.orders, 300_000);
  await sleep(300);
  await server!.stop();
  await sleep(opts.faultMs);
  await server!.start();
  const faultEndedAt = Date.now();
  return { ...(await running), faultEndedAt };
}

/** SIGKILL 300 ms into the traffic, then a restart on the same data. */
async function sigkill({ concord }: Environment, opts: FaultOptions) {
  const running = traffic(concord, opts.orders, 300_000);
  await sleep(300);
  await concord.kill();
  await concord.start();
  const faultEndedAt = Date.now();
  return { ...(await running), faultEndedAt };
}

/** A sandbox ERP fault for `faultMs` during the traffic: intake keeps acknowledging, postings wait, then go through. */
const erpFault = (config: { mode: string; delayMs?: number; retryAfterSeconds?: number }): Run => async ({ concord }, opts) => {
  await concord.erpFault({ ...config, durationSeconds: Math.ceil(opts.faultMs / 1000) });
  const started = Date.now();
  const result = await traffic(concord, opts.orders, 120_000);
  await sleep(Math.max(0, started + opts.faultMs - Date.now()));
  return { ...result, faultEndedAt: Date.now() };
};

export const FAULTS: Record<string, Fault> = {
  /** 100 concurrent requests with one key: one order, every client acknowledged with it. */
  'storm-100-one-key': {
    backend: {},
    async run({ concord }) {
      const [id] = ids(1);
      const placed = await placeOrder(concord, id!, { deadlineMs: 120_000, duplicates: 99 });
      return { placed: [placed], faultEndedAt: Date.now(), lastAckAt: Date.now() };
    },
  },
  'sigkill-embedded': { backend: {}, run: sigkill },
  'sigkill-postgres': { backend: { postgres: true }, run: sigkill },
  'erp-down': { backend: {}, run: erpFault({ mode: 'down' }) },
  /** Slower than the 10 s upstream timeout. */
  'erp-slow': { backend: {}, run: erpFault({ mode: 'slow', delayMs: 12_000 }) },
  'erp-throttled': { backend: {}, run: erpFault({ mode: 'throttle', retryAfterSeconds: 1 }) },
  /** Redis (own redis-server) stopped during the traffic, on PostgreSQL + Redis. */
  'redis-down': { backend: { postgres: true, ownRedis: true }, run: (env, opts) => outage(env.redis, env, opts) },
  /** NATS (own nats-server) stopped during the traffic, on PostgreSQL + NATS. */
  'nats-down': { backend: { postgres: true, ownNats: true }, run: (env, opts) => outage(env.nats, env, opts) },
};

/** Runs one fault on a fresh Concord (and servers of its own) and checks the outcome. */
export async function runFault(name: string, opts: FaultOptions): Promise<FaultResult> {
  const fault = FAULTS[name];
  if (!fault) throw new Error(`unknown fault "${name}" (known: ${Object.keys(FAULTS).join(', ')})`);
  const store = await mkdtemp(join(tmpdir(), 'concord-chaos-nats-'));
  const redis = fault.backend.ownRedis ? ownRedisServer(await freePort()) : undefined;
  const nats = fault.backend.ownNats ? ownNatsServer(await freePort(), store) : undefined;
  const setup: ConcordSetup = { ...(fault.backend.postgres ? { postgres: true } : {}), ...(redis ? { redisUrl: redis.url } : {}), ...(nats ? { natsUrl: nats.url } : {}) };
  await redis?.start();
  await nats?.start();
  const concord = await Concord.create(setup);
  try {
    await concord.start();
    const { placed, faultEndedAt, lastAckAt } = await fault.run({ concord, ...(redis ? { redis } : {}), ...(nats ? { nats } : {}) }, opts);
    await sleep(opts.quietMs);
    await concord.stop();
    const verdict = await verify(concord, placed);
    return {
      fault: name,
      orders: placed.length,
      acknowledged: placed.filter((p) => p.orderId).length,
      recoveryMs: Math.max(0, lastAckAt - faultEndedAt),
      verdict,
    };
  } finally {
    await concord.remove();
    await redis?.stop();
    await nats?.stop();
    await rm(store, { recursive: true, force: true });
  }
}
