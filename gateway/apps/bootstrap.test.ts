import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from '../../platform/db/database';
import { migrate } from '../../platform/db/migrate';
import { openPglite } from '../../platform/db/pglite';
import { openPostgres } from '../../platform/db/postgres';
import { createTempDatabase, describeWithService } from '../../platform/testing/services';
import { makeTempDir } from '../../platform/testing/temp-dir';
import { ADMIN_SCOPES, bootstrapRegistry, SANDBOX_SCOPES } from './bootstrap';
import { appMigrations } from './migrations';
import { seedPlans } from './plans';
import type { AppRegistry } from './registry';
import { createAppRegistry } from './registry';
import { countingHasher, scopeCatalogue } from './test-support';

async function registryOn(db: Database): Promise<AppRegistry> {
  await migrate(db, appMigrations);
  await seedPlans(db);
  return createAppRegistry({ db, knownScopes: await scopeCatalogue(), hasher: countingHasher() });
}

const appCount = async (db: Database) => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM concord.apps')).rows[0]?.n);

describe('bootstrap on PGlite (the embedded default)', () => {
  let dir: { path: string; remove(): Promise<void> };
  let db: Database;
  beforeAll(async () => {
    dir = await makeTempDir();
    db = await openPglite(join(dir.path, 'pgdata'));
  });
  afterAll(async () => {
    await db?.close();
    await dir?.remove();
  });

  it('seeds an empty registry once, writing working credentials to a 0600 credentials.json', async () => {
    const registry = await registryOn(db);
    const dataDir = join(dir.path, 'data');
    const result = await bootstrapRegistry({ registry, dataDir });
    if (!result) throw new Error('expected the first start to bootstrap');

    const file = join(dataDir, 'credentials.json');
    expect(result.file).toBe(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const written = JSON.parse(await readFile(file, 'utf8')) as unknown;
    expect(written).toEqual({ admin: result.admin, sandbox: result.sandbox });
    expect(result.admin.client_id).toBe('app_admin');
    expect(result.sandbox).toMatchObject({ client_id: 'app_sandbox', partner_id: 'prt_sandbox' });

    const admin = await registry.verifyClientSecret(result.admin.client_id, result.admin.client_secret);
    expect(admin.app).toMatchObject({ plan: 'internal', scopes: ADMIN_SCOPES });
    expect(admin.app).not.toHaveProperty('partnerId');
    expect((await registry.verifyApiKey(result.admin.api_key)).app?.clientId).toBe('app_admin');
    const sandbox = await registry.verifyClientSecret(result.sandbox.client_id, result.sandbox.client_secret);
    expect(sandbox.app).toMatchObject({ plan: 'sandbox', scopes: SANDBOX_SCOPES, partnerId: 'prt_sandbox' });
    expect((await registry.verifyApiKey(result.sandbox.api_key)).app?.clientId).toBe('app_sandbox');
    expect(await registry.getPartner('prt_sandbox')).toMatchObject({ name: 'Sandbox Partner' });

    const before = { content: await readFile(file, 'utf8'), mtime: (await stat(file)).mtimeMs };
    expect(await bootstrapRegistry({ registry, dataDir })).toBeUndefined();
    // Another data dir against the same (non-empty) database gets nothing either.
    expect(await bootstrapRegistry({ registry, dataDir: join(dir.path, 'other') })).toBeUndefined();
    expect({ content: await readFile(file, 'utf8'), mtime: (await stat(file)).mtimeMs }).toEqual(before);
    expect(await appCount(db)).toBe(2);
  });
});

describeWithService('postgres', 'bootstrap on PostgreSQL', () => {
  let tmp: { url: string; drop(): Promise<void> };
  let dir: { path: string; remove(): Promise<void> };
  const dbs: Database[] = [];
  beforeEach(async () => {
    tmp = await createTempDatabase();
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await Promise.all(dbs.splice(0).map((db) => db.close()));
    await tmp.drop();
    await dir.remove();
  });
  const connect = async () => {
    const db = await openPostgres(tmp.url);
    dbs.push(db);
    return db;
  };

  it('two instances starting at once on one database: exactly one seeds', async () => {
    const [a, b] = [await connect(), await connect()];
    const [ra, rb] = [await registryOn(a), await registryOn(b)];
    const results = await Promise.all([
      bootstrapRegistry({ registry: ra, dataDir: join(dir.path, 'a') }),
      bootstrapRegistry({ registry: rb, dataDir: join(dir.path, 'b') }),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await appCount(a)).toBe(2);
  });

  it('never overwrites an existing credentials.json, and then leaves the registry empty', async () => {
    const db = await connect();
    const registry = await registryOn(db);
    await writeFile(join(dir.path, 'credentials.json'), 'old', { mode: 0o600 });
    await expect(bootstrapRegistry({ registry, dataDir: dir.path })).rejects.toThrow(/credentials\.json exists/);
    expect(await readFile(join(dir.path, 'credentials.json'), 'utf8')).toBe('old');
    expect(await appCount(db)).toBe(0);
  });

  it('a credentials file that cannot be written leaves the registry empty for the next start', async () => {
    const db = await connect();
    const registry = await registryOn(db);
    const notADir = join(dir.path, 'file');
    await writeFile(notADir, '');
    await expect(bootstrapRegistry({ registry, dataDir: notADir })).rejects.toThrow();
    expect(await appCount(db)).toBe(0);
    expect(await bootstrapRegistry({ registry, dataDir: join(dir.path, 'data') })).toBeDefined();
  });
});
