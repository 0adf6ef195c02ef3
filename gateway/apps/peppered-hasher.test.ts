import { randomBytes } from 'node:crypto';
import type { Database } from '../../platform/db/database';
import { migrate } from '../../platform/db/migrate';
import { describeOnBothDatabases } from '../../platform/testing/databases';
import { CheckBusyError, createCheckLimiter } from './check-limiter';
import { appMigrations } from './migrations';
import { createPepperedHasher, derivePepper } from './peppered-hasher';
import { seedPlans } from './plans';
import { createAppRegistry } from './registry';
import { createScryptHasher } from './secrets';
import { scopeCatalogue } from './test-support';

const cheapScrypt = createScryptHasher({ N: 1024, r: 8, p: 1 });
const pepper = derivePepper(randomBytes(32));

describe('peppered hasher (ADR 0011)', () => {
  const hasher = createPepperedHasher({ pepper, legacy: cheapScrypt });

  it('stores HMAC-SHA-256 under a named pepper, verifies the right secret only', async () => {
    const stored = await hasher.hash('cs_secret');
    expect(stored).toMatch(/^hmac-sha256\$p1\$[A-Za-z0-9_-]{43}$/);
    await expect(hasher.verify('cs_secret', stored)).resolves.toBe(true);
    await expect(hasher.verify('cs_secreT', stored)).resolves.toBe(false);
    expect(hasher.needsRehash(stored)).toBe(false);
  });

  it('a different pepper (another master key) does not verify', async () => {
    const other = createPepperedHasher({ pepper: derivePepper(randomBytes(32)), legacy: cheapScrypt });
    await expect(other.verify('cs_secret', await hasher.hash('cs_secret'))).resolves.toBe(false);
  });

  it('still verifies legacy scrypt hashes and flags them for rehashing', async () => {
    const legacy = await cheapScrypt.hash('cs_old');
    await expect(hasher.verify('cs_old', legacy)).resolves.toBe(true);
    await expect(hasher.verify('cs_wrong', legacy)).resolves.toBe(false);
    expect(hasher.needsRehash(legacy)).toBe(true);
  });

  it('refuses a tampered hmac row instead of failing every check silently', async () => {
    await expect(hasher.verify('x', 'hmac-sha256$p9$abc')).rejects.toThrow(/format/);
  });
});

describe('check limiter', () => {
  it('runs at most maxConcurrent checks, queues maxQueued, refuses the rest at once', async () => {
    const limiter = createCheckLimiter({ maxConcurrent: 1, maxQueued: 1 });
    const gates: Array<() => void> = [];
    const slow = () => new Promise<string>((resolve) => gates.push(() => resolve('done')));
    const first = limiter.run(slow);
    const second = limiter.run(slow);
    await expect(limiter.run(slow)).rejects.toBeInstanceOf(CheckBusyError);
    expect([limiter.active, limiter.queued]).toEqual([1, 1]);
    gates.shift()!();
    await expect(first).resolves.toBe('done');
    await new Promise((r) => setImmediate(r));
    gates.shift()!();
    await expect(second).resolves.toBe('done');
    expect([limiter.active, limiter.queued]).toEqual([0, 0]);
  });

  it('legacy checks beyond the bound are refused, HMAC checks never wait', async () => {
    const limiter = createCheckLimiter({ maxConcurrent: 1, maxQueued: 0 });
    const hasher = createPepperedHasher({ pepper, legacy: cheapScrypt, limiter });
    const legacy = await cheapScrypt.hash('cs_old');
    const running = hasher.verify('cs_old', legacy);
    await expect(hasher.verify('cs_old', legacy)).rejects.toBeInstanceOf(CheckBusyError);
    await expect(hasher.verify('cs_new', await hasher.hash('cs_new'))).resolves.toBe(true);
    await expect(running).resolves.toBe(true);
  });
});

describeOnBothDatabases('stored scrypt hashes migrate to the peppered HMAC on successful use', (open) => {
  let db: Database;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ db, cleanup } = await open());
    await migrate(db, appMigrations);
    await seedPlans(db);
  });
  afterAll(async () => {
    await db?.close();
    await cleanup?.();
  });

  it('client secrets and API keys made under scrypt keep working and are rehashed; wrong ones are not', async () => {
    const knownScopes = await scopeCatalogue();
    const before = createAppRegistry({ db, knownScopes, hasher: cheapScrypt });
    const created = await before.createApp({ name: 'Legacy', plan: 'sandbox', scopes: ['orders:read'] });
    const stored = async () =>
      (await db.query<{ secret_hash: string; hash: string }>('SELECT a.secret_hash, k.hash FROM concord.apps a JOIN concord.api_keys k USING (client_id) WHERE a.client_id = $1', [created.clientId])).rows[0]!;
    expect((await stored()).secret_hash).toMatch(/^scrypt\$/);

    const after = createAppRegistry({ db, knownScopes, hasher: createPepperedHasher({ pepper, legacy: cheapScrypt }) });
    expect((await after.verifyClientSecret(created.clientId, 'cs_wrong')).app).toBeNull();
    expect((await stored()).secret_hash).toMatch(/^scrypt\$/);

    expect((await after.verifyClientSecret(created.clientId, created.clientSecret)).app?.clientId).toBe(created.clientId);
    expect((await after.verifyApiKey(created.apiKey)).app?.clientId).toBe(created.clientId);
    const migrated = await stored();
    expect(migrated.secret_hash).toMatch(/^hmac-sha256\$p1\$/);
    expect(migrated.hash).toMatch(/^hmac-sha256\$p1\$/);

    // A fresh instance (empty verification cache) checks the new hashes.
    const fresh = createAppRegistry({ db, knownScopes, hasher: createPepperedHasher({ pepper, legacy: cheapScrypt }) });
    expect((await fresh.verifyClientSecret(created.clientId, created.clientSecret)).app?.clientId).toBe(created.clientId);
    expect((await fresh.verifyApiKey(created.apiKey)).app?.clientId).toBe(created.clientId);
  });
});
