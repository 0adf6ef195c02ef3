/**
 * The whole of Concord (gateway, process and system APIs, worker, relay) as one process under test, on either
 * backend of the public interface:
 * - `embedded`: the default, PGlite under a temp data dir and the in-process bus;
 * - `production`: DATABASE_URL (a fresh database), REDIS_URL (a key prefix of its own) and NATS_URL (a stream
 *   namespace of its own), so nothing collides with other users of the same services; all removed by `stop()`.
 * `platform-server.ts` runs it; the bench talks to it over IPC for SQL and CPU profiles, between measured runs only.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { dropNamespace, streamMessages } from '../../platform/events/testing/nats';
import { createBenchDatabase } from './concord';
import type { ControlCommand, ControlMessage, ControlRequest, Counters } from './platform-server';
import type { ServerProcess } from './proc';
import { startProcess } from './proc';

const REPO_ROOT = resolve(__dirname, '..', '..');

export type Backend = 'embedded' | 'production';
export const BACKENDS: readonly Backend[] = ['embedded', 'production'];

export interface ServiceUrls {
  postgres: string;
  redis: string;
  nats: string;
}

export interface BenchPlatform {
  backend: Backend;
  label: string;
  url: string;
  proc: ServerProcess;
  /** Server versions of the production services (postgresql, redis, nats); empty on the embedded default. */
  versions: Record<string, string>;
  notes: string[];
  /** A bearer token of the sandbox partner app; fresh once the current one is 10 minutes old. */
  token(): Promise<string>;
  /** SQL on Concord's own database, run inside the Concord process. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Messages JetStream holds in one of Concord's streams (`INVENTORY`, `ORDERS`); undefined on the in-process bus. */
  streamMessages(stream: string): Promise<number | undefined>;
  /** PostgreSQL queries and Redis commands Concord has sent since it started. */
  counters(): Promise<Counters>;
  profileStart(): Promise<void>;
  profileStop(file: string): Promise<void>;
  stop(): Promise<void>;
}

export const backendLabel = (backend: Backend) => (backend === 'embedded' ? 'embedded default (PGlite, in-process bus)' : 'PostgreSQL + Redis + NATS JetStream');

async function redisVersion(url: string): Promise<string> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 5_000, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    return /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown';
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key under `prefix:` (rate-limit budgets, idempotency locks). */
async function dropRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { connectTimeout: 5_000, maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function natsVersion(url: string): Promise<string> {
  const nc = await connect({ servers: url, timeout: 5_000 });
  try {
    return nc.info?.version ?? 'unknown';
  } finally {
    await nc.close();
  }
}

export async function startBenchPlatform(backend: Backend, services: ServiceUrls, { nodeArgs = [] }: { nodeArgs?: string[] } = {}): Promise<BenchPlatform> {
  const dataDir = await mkdtemp(join(tmpdir(), `concord-bench-${backend}-`));
  const cleanups: Array<() => Promise<void>> = [() => rm(dataDir, { recursive: true, force: true })];
  const cleanup = async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => {});
  };
  const versions: Record<string, string> = {};
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CONCORD_DATA_DIR: dataDir,
    PORT: '0',
    // Far above any load here: the limiter runs on every request, and never refuses one.
    CONCORD_PLANS: '{"sandbox":{"ratePerSecond":100000000,"burst":100000000}}',
    // As the gateway peers: no access log. Warnings and errors still go to stderr.
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    DATABASE_URL: '',
    REDIS_URL: '',
    NATS_URL: '',
  };
  const id = randomBytes(4).toString('hex');
  const redisPrefix = `concord-bench-${id}`;
  const natsNamespace = `cbench${id}`;
  try {
    if (backend === 'production') {
      const db = await createBenchDatabase(services.postgres);
      cleanups.push(() => db.drop());
      versions.postgresql = db.version;
      versions.redis = await redisVersion(services.redis);
      cleanups.push(() => dropRedisPrefix(services.redis, redisPrefix));
      versions.nats = await natsVersion(services.nats);
      cleanups.push(() => dropNamespace(services.nats, natsNamespace));
      Object.assign(env, { DATABASE_URL: db.url, REDIS_URL: services.redis, CONCORD_REDIS_PREFIX: redisPrefix, NATS_URL: services.nats, CONCORD_NATS_NAMESPACE: natsNamespace });
    }
  } catch (err) {
    await cleanup();
    throw err;
  }

  const proc = startProcess(`concord (${backend})`, process.execPath, [...nodeArgs, '-r', 'tsx/cjs', join(__dirname, 'platform-server.ts')], {
    env,
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (rows: unknown[]) => void; reject: (err: Error) => void }>();
  let started: Extract<ControlMessage, { kind: 'started' }> | undefined;
  const startedOrFailed = new Promise<void>((resolvePromise, reject) => {
    proc.child.on('message', (m: ControlMessage) => {
      if (m.kind === 'started') {
        started = m;
        resolvePromise();
      } else if (m.kind === 'failed') reject(new Error(`concord (${backend}) did not start: ${m.error}`));
      else {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (m.error !== undefined) p?.reject(new Error(m.error));
        else p?.resolve(m.rows ?? []);
      }
    });
    proc.child.once('exit', (code, signal) => {
      reject(new Error(`concord (${backend}) exited (${code ?? signal}) before it started:\n${proc.stderrTail()}`));
      for (const p of pending.values()) p.reject(new Error(`concord (${backend}) exited (${code ?? signal})`));
      pending.clear();
    });
  });
  const request = (req: ControlCommand, timeoutMs = 120_000): Promise<unknown[]> =>
    new Promise((resolvePromise, reject) => {
      const reqId = nextId++;
      const timer = setTimeout(() => {
        pending.delete(reqId);
        reject(new Error(`concord (${backend}): no answer to ${req.kind} within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(reqId, {
        resolve: (rows) => (clearTimeout(timer), resolvePromise(rows)),
        reject: (err) => (clearTimeout(timer), reject(err)),
      });
      proc.child.send({ ...req, id: reqId } as ControlRequest);
    });

  let token = '';
  let tokenAt = 0;
  const fetchToken = async () => {
    const creds = started!.credentials!.sandbox;
    const res = await fetch(`${started!.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: creds.client_id, client_secret: creds.client_secret }),
    });
    if (res.status !== 200) throw new Error(`concord (${backend}): /oauth/token answered ${res.status}: ${await res.text()}`);
    token = ((await res.json()) as { access_token: string }).access_token;
    tokenAt = Date.now();
    return token;
  };

  try {
    const timeout = setTimeout(() => proc.stop(), 180_000);
    try {
      await startedOrFailed;
    } finally {
      clearTimeout(timeout);
    }
    if (!started!.credentials) throw new Error(`concord (${backend}): no first-start credentials (the data was not fresh)`);
    await fetchToken();
  } catch (err) {
    await proc.stop();
    await cleanup();
    throw err;
  }

  return {
    backend,
    label: backendLabel(backend),
    url: started!.url,
    proc,
    versions,
    notes: [
      'the whole platform in one process, as `concord start` (role all): gateway, process and system APIs (sandbox ERP, WMS, POS), order worker, outbox relay, inventory feeds',
      backend === 'embedded'
        ? 'PGlite in a temp data dir, in-process bus, rate limits and idempotency locks in process'
        : `PostgreSQL ${versions.postgresql} (fresh database), Redis ${versions.redis} (rate limits, idempotency locks; key prefix of its own), NATS ${versions.nats} JetStream (streams in a namespace of their own)`,
      'ES256 JWT of the sandbox partner app, scopes, rate limit (never reached), request validation, idempotency; response validation off (the default); LOG_LEVEL=warn',
    ],
    token: async () => (Date.now() - tokenAt > 10 * 60_000 ? fetchToken() : token),
    query: async <T>(sql: string, params?: unknown[]) => (await request({ kind: 'query', sql, ...(params ? { params } : {}) })) as T[],
    streamMessages: async (stream: string) => (backend === 'production' ? streamMessages(services.nats, `${natsNamespace}_${stream}`) : undefined),
    counters: async () => (await request({ kind: 'counters' }))[0] as Counters,
    profileStart: async () => void (await request({ kind: 'profile-start' })),
    profileStop: async (file: string) => void (await request({ kind: 'profile-stop', file })),
    async stop() {
      await proc.stop(30_000);
      await cleanup();
    },
  };
}
