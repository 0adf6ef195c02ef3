/**
 * The chaos suite's building blocks (issue 18, point 7): Concord as a child process on the embedded default (which
 * a fault may SIGKILL and restart on the same data dir), order clients that retry with the same Idempotency-Key
 * until acknowledged, and the checks run on the database once things have recovered.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startProcess, waitUntil, answers } from '../bench/peers/proc';
import type { ServerProcess } from '../bench/peers/proc';
import type { Database } from '../platform/db/database';
import { openPglite } from '../platform/db/pglite';
import { openPostgres } from '../platform/db/postgres';
import { createTempDatabase } from '../platform/testing/services';
import { shipOrder } from '../process-apis/orders/testing/harness';

const REPO_ROOT = resolve(__dirname, '..');

export interface Credentials {
  client_id: string;
  client_secret: string;
}

export interface ConcordSetup {
  /** PostgreSQL (a throwaway database) instead of the embedded PGlite. */
  postgres?: boolean;
  /** REDIS_URL, NATS_URL: e.g. servers of the suite's own that a fault stops. */
  redisUrl?: string;
  natsUrl?: string;
}

/** One Concord on one data dir (and database); `kill()` is a SIGKILL, `start()` again restarts it on the same data. */
export class Concord {
  url = '';
  credentials: { sandbox: Credentials; admin: Credentials } | undefined;
  private proc: ServerProcess | undefined;
  private tokens = new Map<'sandbox' | 'admin', string>();

  private constructor(
    readonly dataDir: string,
    private readonly setup: ConcordSetup,
    private readonly database?: { url: string; drop(): Promise<void> },
  ) {}

  static async create(setup: ConcordSetup = {}): Promise<Concord> {
    const database = setup.postgres ? await createTempDatabase(process.env.CONCORD_CHAOS_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test', 'concord_chaos') : undefined;
    return new Concord(await mkdtemp(join(tmpdir(), 'concord-chaos-')), setup, database);
  }

  /** The instance's database, for the checks once it is stopped. */
  openDatabase(): Promise<Database> {
    return this.database ? openPostgres(this.database.url) : openPglite(join(this.dataDir, 'pgdata'));
  }

  async start(): Promise<void> {
    const env = {
      ...process.env,
      CONCORD_DATA_DIR: this.dataDir,
      LOG_LEVEL: 'warn',
      DATABASE_URL: this.database?.url ?? '',
      REDIS_URL: this.setup.redisUrl ?? '',
      NATS_URL: this.setup.natsUrl ?? '',
      CONCORD_NATS_NAMESPACE: `chaos_${randomUUID().slice(0, 8)}`,
      MALLOC_ARENA_MAX: '2',
    };
    const proc = startProcess('concord', process.execPath, [join(REPO_ROOT, 'bin', 'concord.js'), 'start', '--json', '--port', '0'], { env, cwd: REPO_ROOT });
    this.proc = proc;
    let summary: { url: string; credentials?: { sandbox: Credentials; admin: Credentials } } | undefined;
    await waitUntil(
      'its start-up summary',
      async () => {
        try {
          summary = JSON.parse(proc.stdout()) as typeof summary;
          return true;
        } catch {
          return false;
        }
      },
      proc,
      300_000,
    );
    this.url = summary!.url;
    this.credentials ??= summary!.credentials;
    await waitUntil('readiness', async () => (await answers(`${this.url}/readyz`)).status === 200, proc, 120_000);
    this.tokens.clear();
  }

  async kill(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (!p) return;
    p.child.kill('SIGKILL');
    await p.stop(0);
  }

  async stop(): Promise<void> {
    await this.proc?.stop(15_000);
    this.proc = undefined;
  }

  async remove(): Promise<void> {
    await this.stop();
    await this.database?.drop().catch(() => {});
    await rm(this.dataDir, { recursive: true, force: true });
  }

  /** A bearer token of the sandbox app (orders) or the admin app (sandbox faults). */
  async authorization(who: 'sandbox' | 'admin' = 'sandbox'): Promise<string> {
    let token = this.tokens.get(who);
    if (!token) {
      const res = await fetch(`${this.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials', ...this.credentials?.[who] }),
      });
      if (res.status !== 200) throw new Error(`/oauth/token answered ${res.status}`);
      token = ((await res.json()) as { access_token: string }).access_token;
      this.tokens.set(who, token);
    }
    return `Bearer ${token}`;
  }

  /** Forgets the tokens (a 401 after a restart that rotated nothing still costs only one token request). */
  resetTokens(): void {
    this.tokens.clear();
  }

  /** Sets the sandbox ERP's fault (`concord sandbox fault`'s API). */
  async erpFault(config: { mode: string; durationSeconds?: number; delayMs?: number; retryAfterSeconds?: number }): Promise<void> {
    const res = await fetch(`${this.url}/system/erp/v1/sandbox/faults`, {
      method: 'PUT',
      headers: { authorization: await this.authorization('admin'), 'content-type': 'application/json' },
      body: JSON.stringify(config),
    });
    if (res.status !== 200) throw new Error(`setting the ERP fault answered ${res.status}: ${await res.text()}`);
  }
}

export interface PlacedOrder {
  sourceOrderId: string;
  key: string;
  orderId?: string;
  attempts: number;
}

/** A statuses a client retries on with the same key: the request may or may not have been applied. */
const RETRYABLE = new Set([409, 429, 500, 502, 503, 504]);

/**
 * Posts one order until it is acknowledged (201, or a replay of it), retrying with the same key on network errors
 * and retryable statuses, as a well-behaved client does. `duplicates` concurrent copies are sent deliberately.
 */
export async function placeOrder(concord: Concord, sourceOrderId: string, opts: { deadlineMs: number; duplicates?: number; key?: string }): Promise<PlacedOrder> {
  const key = opts.key ?? randomUUID();
  const body = JSON.stringify(shipOrder(sourceOrderId, 'SKU-0001', 1));
  const deadline = Date.now() + opts.deadlineMs;
  let attempts = 0;
  const once = async (): Promise<string | undefined> => {
    while (Date.now() < deadline) {
      attempts++;
      try {
        const res = await fetch(`${concord.url}/v2/orders`, {
          method: 'POST',
          headers: { authorization: await concord.authorization(), 'content-type': 'application/json', 'idempotency-key': key },
          body,
          signal: AbortSignal.timeout(15_000),
        });
        if (res.status === 201 || res.status === 200) return ((await res.json()) as { id: string }).id;
        if (res.status === 401) concord.resetTokens();
        else if (!RETRYABLE.has(res.status)) throw new Error(`order ${sourceOrderId}: ${res.status} ${await res.text()}`);
      } catch (err) {
        if (err instanceof Error && err.message.startsWith(`order ${sourceOrderId}:`)) throw err;
        // Connection refused or reset (killed, restarting): retry.
      }
      await sleep(200);
    }
    return undefined;
  };
  const ids = await Promise.all(Array.from({ length: 1 + (opts.duplicates ?? 0) }, once));
  const acknowledged = ids.filter((id): id is string => id !== undefined);
  if (new Set(acknowledged).size > 1) throw new Error(`order ${sourceOrderId}: one key acknowledged as several orders ${acknowledged.join(', ')}`);
  return { sourceOrderId, key, attempts, ...(acknowledged[0] ? { orderId: acknowledged[0] } : {}) };
}

export interface Verdict {
  ok: boolean;
  problems: string[];
}

/**
 * The checks after a fault, on the stopped instance's database: every acknowledged order exists exactly once and
 * reached ERP exactly once, every order's created event is in the outbox once and published, the DLQ is empty.
 */
export async function verify(concord: Concord, placed: readonly PlacedOrder[]): Promise<Verdict> {
  const db = await concord.openDatabase();
  const problems: string[] = [];
  try {
    for (const p of placed) {
      if (!p.orderId) {
        problems.push(`${p.sourceOrderId}: never acknowledged`);
        continue;
      }
      const { rows: orders } = await db.query<{ id: string }>('SELECT id FROM orders.orders WHERE source_order_id = $1', [p.sourceOrderId]);
      if (orders.length !== 1 || orders[0]!.id !== p.orderId) problems.push(`${p.sourceOrderId}: ${orders.length} orders for one acknowledged order`);
      const { rows: erp } = await db.query('SELECT 1 FROM erp.sales_orders WHERE external_ref = $1', [p.orderId]);
      if (erp.length !== 1) problems.push(`${p.orderId}: ${erp.length} ERP sales orders`);
      const { rows: events } = await db.query<{ published: boolean }>(
        `SELECT published_at IS NOT NULL AS published FROM events.outbox WHERE type = 'order.created' AND subject = $1`,
        [p.orderId],
      );
      if (events.length !== 1 || !events[0]!.published) problems.push(`${p.orderId}: ${events.length} order.created events (published: ${events.map((e) => e.published).join(',')})`);
    }
    const { rows: dlq } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events.dead_letters');
    if ((dlq[0]?.n ?? 0) > 0) problems.push(`${dlq[0]!.n} dead letters`);
  } finally {
    await db.close();
  }
  return { ok: problems.length === 0, problems };
}
