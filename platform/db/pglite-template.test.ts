import { readFile, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { concordTemplate } from '../server/migrations';
import { startPlatform } from '../server/start';
import { REPO_ROOT, makeTempDir } from '../testing/temp-dir';
import type { Database } from './database';
import { openPglite } from './pglite';
import type { PgliteTemplate } from './pglite-template';
import { ensurePgliteTemplate, templateFile } from './pglite-template';

const widgets = [{ id: 'test/0001_widgets', sql: 'CREATE TABLE concord.widgets (id int PRIMARY KEY, made_at timestamptz); INSERT INTO concord.widgets VALUES (1, now());' }];

describe('the PGlite template', () => {
  let dir: { path: string; remove(): Promise<void> };
  const open: Database[] = [];
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((db) => db.close()));
    await dir.remove();
  });
  const bareIn = (root: string): PgliteTemplate => ({ migrations: [], cacheDir: join(root, 'cache') });
  const template = (migrations = widgets): PgliteTemplate => ({ migrations, cacheDir: join(dir.path, 'cache'), onCreate: 'UPDATE concord.widgets SET made_at = now()' });
  const openAt = async (name: string, t: PgliteTemplate) => {
    const db = await openPglite(join(dir.path, name), t);
    open.push(db);
    return db;
  };

  it('is built once, migrated, and cached under a name that changes with the migrations', async () => {
    const first = await ensurePgliteTemplate(template());
    expect(first).toMatchObject({ built: true, file: templateFile(template()) });
    expect(await ensurePgliteTemplate(template())).toMatchObject({ built: false, file: first.file });
    const changed = template([{ ...widgets[0]!, sql: `${widgets[0]!.sql} SELECT 1;` }]);
    expect(templateFile(changed)).not.toBe(first.file);
    // Built from the bare template, which is cached beside it; the changed one is not built until asked for.
    expect((await readdir(join(dir.path, 'cache'))).sort()).toEqual([basename(first.file), basename(templateFile(bareIn(dir.path)))].sort());
  });

  it('gives every fresh data dir the migrated schema, and runs onCreate in each', async () => {
    const t = template();
    const a = await openAt('a', t);
    const b = await openAt('b', t);
    const madeAt = async (db: Database) => (await db.query<{ made_at: Date }>('SELECT made_at FROM concord.widgets')).rows[0]!.made_at.getTime();
    for (const db of [a, b]) expect((await db.query('SELECT id FROM concord.schema_migrations')).rows).toEqual([{ id: 'test/0001_widgets' }]);
    // Without onCreate both rows would carry the template's build time; with it, each its own data dir's birth.
    expect(await madeAt(a)).not.toBe(await madeAt(b));
    // Separate clusters: a write in one is not in the other.
    await a.query('INSERT INTO concord.widgets VALUES (2, now())');
    expect((await b.query('SELECT count(*)::int AS n FROM concord.widgets')).rows).toEqual([{ n: 1 }]);
  });

  it('opens an existing data dir as it is, without loading the template over it', async () => {
    const t = template();
    const a = await openAt('a', t);
    await a.query('INSERT INTO concord.widgets VALUES (2, now())');
    await a.close();
    open.splice(open.indexOf(a), 1);
    const again = await openAt('a', t);
    expect((await again.query('SELECT id FROM concord.widgets ORDER BY id')).rows).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it("holds Concord's schema and nothing that belongs to one instance", async () => {
    const db = await openAt('concord', concordTemplate(join(dir.path, 'cache')));
    const count = async (table: string) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
    for (const table of ['concord.signing_keys', 'concord.apps', 'concord.api_keys', 'concord.partners', 'concord.portal_users', 'concord.portal_sessions', 'erp.items', 'wms.items', 'pos.items']) {
      expect([table, await count(table)]).toEqual([table, 0]);
    }
  });
});

describe('concord start on two fresh data dirs made from the template', () => {
  it('creates every secret per data dir: master key, signing keys, bootstrap apps, portal admin', async () => {
    const dirs = [await makeTempDir(), await makeTempDir()];
    const silent = createLogger({ level: 'silent' });
    const seen = [];
    try {
      for (const dir of dirs) {
        const platform = await startPlatform(loadConfig({ PORT: '0', CONCORD_DATA_DIR: dir.path }, { root: REPO_ROOT }), silent, undefined, { background: false });
        try {
          const keys = await platform.db.query<{ kid: string }>('SELECT kid FROM concord.signing_keys ORDER BY kid');
          seen.push({
            masterKey: await readFile(join(dir.path, 'master.key'), 'utf8'),
            kids: keys.rows.map((r) => r.kid).join(','),
            admin: platform.bootstrap!.admin.client_secret,
            sandbox: platform.bootstrap!.sandbox.client_secret,
            portalAdmin: platform.portalAdmin!.password,
          });
        } finally {
          await platform.close();
        }
      }
    } finally {
      await Promise.all(dirs.map((d) => d.remove()));
    }
    const [a, b] = seen;
    for (const key of ['masterKey', 'kids', 'admin', 'sandbox', 'portalAdmin'] as const) {
      expect(a![key]).toBeTruthy();
      expect([key, a![key]]).not.toEqual([key, b![key]]);
    }
  });
});
