import type { Database } from './database';
import { migrate } from './migrate';
import { openPostgres } from './postgres';
import { createTempDatabase, describeWithService } from '../testing/services';
import { describeOnBothDatabases } from '../testing/databases';

const good = [
  { id: 'test/0001_widgets', sql: 'CREATE TABLE concord.widgets (id int PRIMARY KEY); INSERT INTO concord.widgets VALUES (1);' },
  { id: 'test/0002_gadgets', sql: 'CREATE TABLE concord.gadgets (id int PRIMARY KEY);' },
];

/** The same suite runs against the embedded twin and the real server. */
function migrationSuite(open: () => Promise<{ db: Database; cleanup(): Promise<void> }>): void {
  let db: Database;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ db, cleanup } = await open());
  });
  afterEach(async () => {
    await db.close();
    await cleanup();
  });

  it('applies pending migrations once, in order', async () => {
    expect(await migrate(db, good)).toEqual(['test/0001_widgets', 'test/0002_gadgets']);
    expect(await migrate(db, good)).toEqual([]);
    const { rows } = await db.query<{ id: number }>('SELECT id FROM concord.widgets');
    expect(rows).toEqual([{ id: 1 }]);
  });

  it('leaves nothing half-written when a migration fails', async () => {
    const broken = [{ id: 'test/0001_broken', sql: 'CREATE TABLE concord.half (id int); SELECT no_such_function();' }];
    await expect(migrate(db, broken)).rejects.toThrow(/no_such_function/);
    const { rows } = await db.query(`SELECT to_regclass('concord.half') AS t`);
    expect(rows).toEqual([{ t: null }]);
    const applied = await db.query(`SELECT id FROM concord.schema_migrations WHERE id = 'test/0001_broken'`);
    expect(applied.rows).toEqual([]);
  });

  it('rolls back a transaction whose callback throws', async () => {
    await migrate(db, good);
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO concord.widgets VALUES ($1)', [2]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await db.query('SELECT id FROM concord.widgets ORDER BY id')).rows).toEqual([{ id: 1 }]);
  });
}

describeOnBothDatabases('migrations', migrationSuite);

describeWithService('postgres', 'migrations on PostgreSQL, concurrently', () => {

  it('two instances migrating at once apply each migration exactly once', async () => {
    const tmp = await createTempDatabase();
    const [a, b] = [await openPostgres(tmp.url), await openPostgres(tmp.url)];
    try {
      const [ra, rb] = await Promise.all([migrate(a, good), migrate(b, good)]);
      expect([...ra, ...rb].sort()).toEqual(['test/0001_widgets', 'test/0002_gadgets']);
    } finally {
      await a.close();
      await b.close();
      await tmp.drop();
    }
  });
});
