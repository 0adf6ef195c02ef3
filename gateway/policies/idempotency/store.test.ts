import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Database } from '../../../platform/db/database';
import { migrate } from '../../../platform/db/migrate';
import { describeOnBothDatabases } from '../../../platform/testing/databases';
import type { OpenTestDatabase } from '../../../platform/testing/databases';
import { describeWithService } from '../../../platform/testing/services';
import { idempotencyMigrations } from './migrations';
import { createIdempotencyStore } from './store';
import type { BeginResult, IdempotencyStore, IdempotencyStoreOptions, StoredResponse } from './store';

const FP_A = 'a'.repeat(64);
const FP_B = 'b'.repeat(64);
const RESPONSE: StoredResponse = {
  status: 201,
  headers: { 'content-type': 'application/json; charset=utf-8', location: '/v1/orders/o-1', vary: ['accept', 'origin'] },
  // Not valid UTF-8 on purpose: the body must come back byte for byte.
  body: Buffer.from([0x7b, 0x00, 0xff, 0xfe, 0x7d]),
};

function token(result: BeginResult): string {
  if (result.kind !== 'proceed') throw new Error(`expected proceed, got ${result.kind}`);
  return result.token;
}

interface Harness {
  db: Database;
  store(over?: Partial<IdempotencyStoreOptions>): IdempotencyStore;
  advance(seconds: number): void;
  /** Options and a wait that together make a claim stale: the clock for database claims, real time for Redis. */
  staleLock: { lockSeconds: number; pass(): Promise<void> };
}

/** The behaviour both claim back-ends share. */
function storeContract(h: () => Harness): void {
  test('a new key proceeds; the same request meanwhile is in flight, a different one is a mismatch', async () => {
    const store = h().store();
    expect((await store.begin('app-1', 'k1', FP_A)).kind).toBe('proceed');
    expect(await store.begin('app-1', 'k1', FP_A)).toEqual({ kind: 'in-flight' });
    expect(await store.begin('app-1', 'k1', FP_B)).toEqual({ kind: 'mismatch' });
  });

  test('after complete, the same request replays status, headers and exact bytes; another fingerprint is a mismatch', async () => {
    const store = h().store();
    const t = token(await store.begin('app-1', 'k1', FP_A));
    expect(await store.complete('app-1', 'k1', RESPONSE, t)).toBe(true);
    const replay = await store.begin('app-1', 'k1', FP_A);
    expect(replay).toEqual({ kind: 'replay', ...RESPONSE });
    if (replay.kind === 'replay') expect(Buffer.isBuffer(replay.body)).toBe(true);
    expect(await store.begin('app-1', 'k1', FP_B)).toEqual({ kind: 'mismatch' });
    // Completing twice with the same (spent) token stores nothing more.
    expect(await store.complete('app-1', 'k1', { ...RESPONSE, status: 200 }, t)).toBe(false);
    expect(await store.begin('app-1', 'k1', FP_A)).toMatchObject({ kind: 'replay', status: 201 });
  });

  test('an empty body is stored and replayed as empty', async () => {
    const store = h().store();
    const t = token(await store.begin('app-1', 'k1', FP_A));
    await store.complete('app-1', 'k1', { status: 204, headers: {}, body: Buffer.alloc(0) }, t);
    expect(await store.begin('app-1', 'k1', FP_A)).toEqual({ kind: 'replay', status: 204, headers: {}, body: Buffer.alloc(0) });
  });

  test('keys are scoped to the app: the same key for another app is independent', async () => {
    const store = h().store();
    const t = token(await store.begin('app-1', 'shared-key', FP_A));
    expect((await store.begin('app-2', 'shared-key', FP_B)).kind).toBe('proceed');
    await store.complete('app-1', 'shared-key', RESPONSE, t);
    expect(await store.begin('app-2', 'shared-key', FP_B)).toEqual({ kind: 'in-flight' });
    expect((await store.begin('app-1', 'shared-key', FP_A)).kind).toBe('replay');
  });

  test('abandon releases the key and stores nothing: the next request proceeds, whatever its fingerprint', async () => {
    const store = h().store();
    const t = token(await store.begin('app-1', 'k1', FP_A));
    expect(await store.abandon('app-1', 'k1', t)).toBe(true);
    expect(await store.abandon('app-1', 'k1', t)).toBe(false);
    expect((await store.begin('app-1', 'k1', FP_B)).kind).toBe('proceed');
  });

  test('complete and abandon with a token that does not hold the key change nothing', async () => {
    const store = h().store();
    const t = token(await store.begin('app-1', 'k1', FP_A));
    const forged = `${'0'.repeat(24)}:${FP_A}`;
    expect(await store.complete('app-1', 'k1', RESPONSE, forged)).toBe(false);
    expect(await store.abandon('app-1', 'k1', forged)).toBe(false);
    expect(await store.begin('app-1', 'k1', FP_A)).toEqual({ kind: 'in-flight' });
    expect(await store.complete('app-1', 'k1', RESPONSE, t)).toBe(true);
  });

  test('a key expires after ttlSeconds from completion and then behaves as new', async () => {
    const harness = h();
    const store = harness.store({ ttlSeconds: 3600 });
    const t = token(await store.begin('app-1', 'k1', FP_A));
    harness.advance(10);
    await store.complete('app-1', 'k1', RESPONSE, t);
    harness.advance(3600 - 1);
    expect((await store.begin('app-1', 'k1', FP_A)).kind).toBe('replay');
    harness.advance(1);
    // Expired: even a different request may use the key now, and its outcome is the one stored.
    const again = token(await store.begin('app-1', 'k1', FP_B));
    await store.complete('app-1', 'k1', { ...RESPONSE, status: 200 }, again);
    expect(await store.begin('app-1', 'k1', FP_B)).toMatchObject({ kind: 'replay', status: 200 });
    expect(await store.begin('app-1', 'k1', FP_A)).toEqual({ kind: 'mismatch' });
  });

  test('a stale claim (its holder crashed) is taken over by the same request, and the old holder can no longer store', async () => {
    const harness = h();
    const store = harness.store({ lockSeconds: harness.staleLock.lockSeconds });
    const crashed = token(await store.begin('app-1', 'k1', FP_A));
    expect(await store.begin('app-1', 'k1', FP_A)).toEqual({ kind: 'in-flight' });
    await harness.staleLock.pass();
    const retry = token(await store.begin('app-1', 'k1', FP_A));
    expect(await store.complete('app-1', 'k1', { ...RESPONSE, status: 500 }, crashed)).toBe(false);
    expect(await store.complete('app-1', 'k1', RESPONSE, retry)).toBe(true);
    expect(await store.begin('app-1', 'k1', FP_A)).toEqual({ kind: 'replay', ...RESPONSE });
  });

  test('completeWithin stores the response with the caller\'s transaction: rolled back, nothing is stored', async () => {
    const store = h().store();
    const t = token(await store.begin('app-1', 'tx', FP_A));
    await expect(
      h().db.transaction(async (tx) => {
        expect(await store.completeWithin(tx, 'app-1', 'tx', RESPONSE, t)).toBe(true);
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    expect(await store.begin('app-1', 'tx', FP_A)).toEqual({ kind: 'in-flight' });
    await h().db.transaction(async (tx) => {
      expect(await store.completeWithin(tx, 'app-1', 'tx', RESPONSE, t)).toBe(true);
    });
    // Committed: a retry replays, and settling the claim afterwards (abandon) keeps the stored response.
    await store.abandon('app-1', 'tx', t);
    expect(await store.begin('app-1', 'tx', FP_A)).toEqual({ kind: 'replay', ...RESPONSE });
  });

  test('completeWithin with a token that does not hold the key stores nothing', async () => {
    const store = h().store();
    token(await store.begin('app-1', 'tx2', FP_A));
    expect(await h().db.transaction((tx) => store.completeWithin(tx, 'app-1', 'tx2', RESPONSE, 'not-the-token:' + FP_A))).toBe(false);
  });

  test('of concurrent begins for one key, exactly one proceeds', async () => {
    const store = h().store();
    const results = await Promise.all(Array.from({ length: 12 }, () => store.begin('app-1', 'race', FP_A)));
    expect(results.filter((r) => r.kind === 'proceed')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'in-flight')).toHaveLength(11);
  });
}

function storeSuite(open: OpenTestDatabase): void {
  let db: Database;
  let cleanup: () => Promise<void>;
  let clock: Date;
  const now = () => clock;
  const advance = (seconds: number) => void (clock = new Date(clock.getTime() + seconds * 1000));

  beforeAll(async () => {
    ({ db, cleanup } = await open());
    expect(await migrate(db, idempotencyMigrations)).toEqual(['gateway-idempotency/0001_keys', 'gateway-idempotency/0002_claim_instance']);
  });
  afterAll(async () => {
    await db?.close();
    await cleanup?.();
  });
  beforeEach(async () => {
    await db.query('DELETE FROM concord.idempotency_keys');
    clock = new Date('2030-01-01T00:00:00Z');
  });

  describe('claims in the database', () => {
    storeContract(() => ({
      db,
      store: (over = {}) => createIdempotencyStore({ db, now, ...over }),
      advance,
      staleLock: { lockSeconds: 60, pass: async () => advance(61) },
    }));

    test('a stale claim is not taken over by a different request: that is still a mismatch', async () => {
      const store = createIdempotencyStore({ db, now, lockSeconds: 60 });
      token(await store.begin('app-1', 'k1', FP_A));
      advance(61);
      expect(await store.begin('app-1', 'k1', FP_B)).toEqual({ kind: 'mismatch' });
    });

    test('the claim is a row: in flight with a holder and a lock expiry, then completed without them', async () => {
      const store = createIdempotencyStore({ db, now, ttlSeconds: 100, lockSeconds: 30 });
      const t = token(await store.begin('app-1', 'k1', FP_A));
      const row = async () =>
        (await db.query('SELECT state, lock_token, locked_until, expires_at, status FROM concord.idempotency_keys')).rows;
      expect(await row()).toEqual([
        { state: 'in_flight', lock_token: t, locked_until: new Date('2030-01-01T00:00:30Z'), expires_at: new Date('2030-01-01T00:01:40Z'), status: null },
      ]);
      advance(5);
      await store.complete('app-1', 'k1', RESPONSE, t);
      expect(await row()).toEqual([{ state: 'completed', lock_token: null, locked_until: null, expires_at: new Date('2030-01-01T00:01:45Z'), status: 201 }]);
    });

    test('purgeExpired deletes only expired rows', async () => {
      const store = createIdempotencyStore({ db, now, ttlSeconds: 10 });
      await store.complete('app-1', 'old', RESPONSE, token(await store.begin('app-1', 'old', FP_A)));
      advance(5);
      await store.complete('app-1', 'new', RESPONSE, token(await store.begin('app-1', 'new', FP_A)));
      advance(5);
      expect(await store.purgeExpired()).toBe(1);
      expect((await db.query('SELECT key FROM concord.idempotency_keys')).rows).toEqual([{ key: 'new' }]);
    });
  });

  describe("claims in the database, committed without waiting for the disk (the runtime's setting)", () => {
    storeContract(() => ({
      db,
      store: (over = {}) => createIdempotencyStore({ db, claimDb: db.asyncCommit, now, ...over }),
      advance,
      staleLock: { lockSeconds: 60, pass: async () => advance(61) },
    }));

    test('only the claim goes through claimDb; the stored response commits as usual', async () => {
      const claimed: string[] = [];
      const claimDb = { query: (sql: string, params?: readonly unknown[]) => (claimed.push(sql.trim().split(/\s+/)[0]!), db.asyncCommit.query(sql, params)) };
      const store = createIdempotencyStore({ db, claimDb: claimDb as typeof db.asyncCommit, now });
      await store.complete('app-1', 'k1', RESPONSE, token(await store.begin('app-1', 'k1', FP_A)));
      expect(claimed).toEqual(['INSERT']);
      expect(await store.begin('app-1', 'k1', FP_A)).toMatchObject({ kind: 'replay', status: 201 });
    });
  });

  describeWithService('redis', 'claims in Redis', () => {
    let admin: Redis;
    let keyPrefix: string;
    const clients: Redis[] = [];
    const client = () => {
      const c = new Redis(process.env.CONCORD_TEST_REDIS_URL ?? '');
      clients.push(c);
      return c;
    };
    const redisStore = (over: Partial<IdempotencyStoreOptions> = {}) => createIdempotencyStore({ db, now, redis: client(), redisKeyPrefix: keyPrefix, ...over });

    beforeAll(() => {
      admin = new Redis(process.env.CONCORD_TEST_REDIS_URL ?? '');
    });
    afterAll(async () => {
      await admin.quit();
    });
    beforeEach(() => {
      keyPrefix = `concord-test:idem:${randomBytes(6).toString('hex')}`;
    });
    afterEach(async () => {
      await Promise.all(clients.splice(0).map((c) => (c.status === 'ready' ? c.quit() : c.disconnect())));
      const keys = await admin.keys(`${keyPrefix}:*`);
      if (keys.length > 0) await admin.del(...keys);
    });

    storeContract(() => ({
      db,
      store: redisStore,
      advance,
      // Redis expires its locks on its own clock.
      staleLock: { lockSeconds: 0.3, pass: () => sleep(450) },
    }));

    test('two instances (two connections) share the claims; the lock is a Redis key with the lock expiry, not a row', async () => {
      const a = redisStore({ lockSeconds: 20 });
      const b = redisStore({ lockSeconds: 20 });
      const t = token(await a.begin('app:1', 'k:1', FP_A));
      expect(await b.begin('app:1', 'k:1', FP_A)).toEqual({ kind: 'in-flight' });
      expect(await b.begin('app:1', 'k:1', FP_B)).toEqual({ kind: 'mismatch' });

      // The client id is encoded, so ':' in it cannot collide with another app's keys.
      const lockKey = `${keyPrefix}:app%3A1:k:1`;
      expect(await admin.get(lockKey)).toBe(t);
      const ttl = await admin.pttl(lockKey);
      expect(ttl).toBeGreaterThan(15_000);
      expect(ttl).toBeLessThanOrEqual(20_000);
      expect((await db.query('SELECT 1 FROM concord.idempotency_keys')).rows).toHaveLength(0);

      await a.complete('app:1', 'k:1', RESPONSE, t);
      expect(await admin.exists(lockKey)).toBe(0);
      expect(await b.begin('app:1', 'k:1', FP_A)).toEqual({ kind: 'replay', ...RESPONSE });
    });

    test('a replay never touches Redis: with the connection gone, stored keys still replay or mismatch, a new key fails', async () => {
      const store = redisStore({ lockSeconds: 20 });
      await store.complete('app-1', 'k1', RESPONSE, token(await store.begin('app-1', 'k1', FP_A)));
      const offline = createIdempotencyStore({ db, now, redis: client(), redisKeyPrefix: keyPrefix });
      await clients.at(-1)!.quit();
      expect((await offline.begin('app-1', 'k1', FP_A)).kind).toBe('replay');
      expect((await offline.begin('app-1', 'k1', FP_B)).kind).toBe('mismatch');
      await expect(offline.begin('app-1', 'other', FP_A)).rejects.toThrow();
    });
  });
}

describeOnBothDatabases('idempotency store', storeSuite);
