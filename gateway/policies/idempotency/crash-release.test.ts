import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import type { Database } from '../../../platform/db/database';
import { registerInstance } from '../../../platform/db/instance-liveness';
import type { InstanceLiveness } from '../../../platform/db/instance-liveness';
import { migrate } from '../../../platform/db/migrate';
import { platformMigrations } from '../../../platform/db/migrations';
import { openPglite } from '../../../platform/db/pglite';
import { openPostgres } from '../../../platform/db/postgres';
import { createTempDatabase, describeWithService } from '../../../platform/testing/services';
import { REPO_ROOT, makeTempDir } from '../../../platform/testing/temp-dir';
import { idempotencyMigrations } from './migrations';
import { createIdempotencyStore } from './store';

const CLAIM_AND_HANG = join(__dirname, 'testing', 'claim-and-hang.ts');
const MIGRATIONS = [...platformMigrations, ...idempotencyMigrations];

// The child starts through tsx (seconds on this machine, more when it is busy).
jest.setTimeout(120_000);

/** Starts a process that claims `key`; returns once it holds the claim, with a way to SIGKILL it. */
async function claimInChild(env: Record<string, string>): Promise<{ kill(): Promise<void> }> {
  const child = spawn(process.execPath, ['-r', 'tsx/cjs', CLAIM_AND_HANG], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = once(child, 'exit');
  const kill = async () => {
    child.kill('SIGKILL');
    await exited;
  };
  for await (const line of createInterface({ input: child.stdout })) {
    if (line === 'claimed proceed') return { kill };
    await kill();
    throw new Error(`claiming child said '${line}'`);
  }
  await kill();
  throw new Error(`claiming child ended without claiming: ${stderr}`);
}

/**
 * Issue 18, point 5: after a SIGKILL, retries with the same key got 409 idempotency-in-flight until the dead
 * claim's lease ran out. Claims now carry their instance, and a dead instance's claim is released at once: by the
 * next instance starting (releaseDeadClaims), and by any running instance that meets it.
 */
describeWithService('postgres', 'idempotency claims of a killed process on PostgreSQL', () => {
  let url: string;
  let drop: () => Promise<void>;
  let db: Database;
  const instances: InstanceLiveness[] = [];
  beforeAll(async () => {
    ({ url, drop } = await createTempDatabase());
    db = await openPostgres(url);
    await migrate(db, MIGRATIONS);
  });
  afterEach(async () => {
    for (const i of instances.splice(0)) await i.close();
  });
  afterAll(async () => {
    await db?.close();
    await drop?.();
  });
  const instance = async () => {
    const i = await registerInstance(db);
    instances.push(i);
    return i;
  };

  it('a starting instance releases the claim of a killed one at once', async () => {
    const key = `k-${randomBytes(4).toString('hex')}`;
    const child = await claimInChild({ CLAIM_DB: url, CLAIM_KEY: key });
    // Alive, the claim holds (lockSeconds is 60: nothing here waits for a lease).
    const before = createIdempotencyStore({ db, instance: await instance() });
    expect(await before.begin('app_crash', key, 'fp-1')).toEqual({ kind: 'in-flight' });
    await child.kill();

    const store = createIdempotencyStore({ db, instance: await instance() });
    expect(await store.releaseDeadClaims()).toBe(1);
    expect(await store.begin('app_crash', key, 'fp-1')).toMatchObject({ kind: 'proceed' });
  });

  it('an instance already running releases a dead claim it meets, even for a different request', async () => {
    const key = `k-${randomBytes(4).toString('hex')}`;
    const store = createIdempotencyStore({ db, instance: await instance() });
    const child = await claimInChild({ CLAIM_DB: url, CLAIM_KEY: key });
    expect(await store.begin('app_crash', key, 'fp-2')).toEqual({ kind: 'mismatch' });
    await child.kill();
    expect(await store.begin('app_crash', key, 'fp-2')).toMatchObject({ kind: 'proceed' });
  });

  describeWithService('redis', 'with the claims in Redis', () => {
    let redis: Redis;
    const prefix = `concord-test:crash:${randomBytes(4).toString('hex')}`;
    beforeAll(() => {
      redis = new Redis(process.env.CONCORD_TEST_REDIS_URL ?? '');
    });
    afterAll(async () => {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    });

    it('the lock of a killed instance is released when met, not after its expiry', async () => {
      const key = `k-${randomBytes(4).toString('hex')}`;
      const child = await claimInChild({ CLAIM_DB: url, CLAIM_KEY: key, CLAIM_REDIS: process.env.CONCORD_TEST_REDIS_URL ?? '', CLAIM_REDIS_PREFIX: prefix });
      const store = createIdempotencyStore({ db, redis, redisKeyPrefix: prefix, instance: await instance() });
      expect(await store.begin('app_crash', key, 'fp-1')).toEqual({ kind: 'in-flight' });
      await child.kill();
      expect(await store.begin('app_crash', key, 'fp-1')).toMatchObject({ kind: 'proceed' });
    });
  });
});

describe('idempotency claims of a killed process on PGlite', () => {
  it('the next start releases every claim of its predecessor (one process per data dir)', async () => {
    const dir = await makeTempDir();
    try {
      const setup = await openPglite(dir.path);
      await migrate(setup, MIGRATIONS);
      await setup.close();
      const child = await claimInChild({ CLAIM_DB: `pglite:${dir.path}`, CLAIM_KEY: 'k-1' });
      await child.kill();

      const db = await openPglite(dir.path);
      try {
        const store = createIdempotencyStore({ db, instance: await registerInstance(db) });
        expect(await store.releaseDeadClaims()).toBe(1);
        expect(await store.begin('app_crash', 'k-1', 'fp-1')).toMatchObject({ kind: 'proceed' });
      } finally {
        await db.close();
      }
    } finally {
      await dir.remove();
    }
  });
});
