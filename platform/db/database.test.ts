import type { Database } from './database';
import { openPostgres } from './postgres';
import { describeOnBothDatabases } from '../testing/databases';
import { createTempDatabase, describeWithService } from '../testing/services';

describeOnBothDatabases('Database', (open) => {
  let db: Database;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ db, cleanup } = await open());
    await db.query('CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)');
  });
  afterEach(async () => {
    await db.close();
    await cleanup();
  });

  it('answers a statement run many times with its own parameters each time', async () => {
    for (let i = 1; i <= 20; i += 1) await db.query('INSERT INTO notes (id, body) VALUES ($1, $2)', [i, `note ${i}`]);
    for (let i = 1; i <= 20; i += 1) {
      const { rows } = await db.query<{ body: string }>('SELECT body FROM notes WHERE id = $1', [i]);
      expect(rows).toEqual([{ body: `note ${i}` }]);
    }
    const inTx = await db.transaction(async (tx) => {
      const out: string[] = [];
      for (const id of [3, 7, 11]) out.push((await tx.query<{ body: string }>('SELECT body FROM notes WHERE id = $1', [id])).rows[0]!.body);
      return out;
    });
    expect(inTx).toEqual(['note 3', 'note 7', 'note 11']);
  });

  it('makes asyncCommit writes visible at once, to the database and its transactions', async () => {
    await db.asyncCommit.query('INSERT INTO notes (id, body) VALUES ($1, $2)', [1, 'claimed']);
    expect((await db.query('SELECT body FROM notes WHERE id = $1', [1])).rows).toEqual([{ body: 'claimed' }]);
    await db.transaction((tx) => tx.query('UPDATE notes SET body = $2 WHERE id = $1', [1, 'done']));
    expect((await db.asyncCommit.query('SELECT body FROM notes WHERE id = $1', [1])).rows).toEqual([{ body: 'done' }]);
  });
});

describeWithService('postgres', 'Database on PostgreSQL: prepared statements and commits that do not wait for the disk', () => {
  let db: Database;
  let drop: () => Promise<void>;
  beforeEach(async () => {
    const tmp = await createTempDatabase();
    drop = tmp.drop;
    db = await openPostgres(tmp.url, { max: 1 });
  });
  afterEach(async () => {
    await db.close();
    await drop();
  });

  const prepared = (q: Database) =>
    q.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements WHERE name LIKE $1 ORDER BY name', ['concord\\_%']);

  it('prepares a repeated statement once per connection and reuses it', async () => {
    for (let i = 0; i < 5; i += 1) await db.query('SELECT $1::int + 1 AS n', [i]);
    // One connection (max: 1), so this sees the session that prepared it.
    const { rows } = await prepared(db);
    expect(rows.map((r) => r.statement)).toEqual(['SELECT $1::int + 1 AS n']);
    expect((await db.query<{ n: number }>('SELECT $1::int + 1 AS n', [41])).rows).toEqual([{ n: 42 }]);
  });

  it('runs a prepared statement again, unnamed, after a schema change altered its result', async () => {
    await db.query('CREATE TABLE items (id int)');
    await db.query('INSERT INTO items VALUES (1)');
    for (let i = 0; i < 3; i += 1) await db.query('SELECT * FROM items WHERE id = $1', [1]);
    await db.query('ALTER TABLE items ADD COLUMN name text');
    expect((await db.query('SELECT * FROM items WHERE id = $1', [1])).rows).toEqual([{ id: 1, name: null }]);
    expect((await db.query('SELECT * FROM items WHERE id = $1', [1])).rows).toEqual([{ id: 1, name: null }]);
  });

  it('runs a statement again, unnamed, when the server no longer knows its name', async () => {
    for (let i = 0; i < 3; i += 1) await db.query('SELECT $1::int * 2 AS n', [i]);
    // Behind node-postgres's back: it still believes the statement prepared.
    await db.query('DEALLOCATE ALL');
    expect((await db.query<{ n: number }>('SELECT $1::int * 2 AS n', [21])).rows).toEqual([{ n: 42 }]);
    expect((await db.query<{ n: number }>('SELECT $1::int * 2 AS n', [5])).rows).toEqual([{ n: 10 }]);
  });

  it('refuses asyncCommit statements once closed, instead of opening a pool nobody ends', async () => {
    const tmp = await createTempDatabase();
    const other = await openPostgres(tmp.url);
    await other.asyncCommit.query('SELECT $1::int AS n', [1]);
    await other.close();
    await expect(other.asyncCommit.query('SELECT $1::int AS n', [1])).rejects.toThrow('closed');
    await tmp.drop();
  });

  it('commits asyncCommit statements without waiting for the disk, and ordinary ones as before', async () => {
    expect((await db.asyncCommit.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows).toEqual([{ synchronous_commit: 'off' }]);
    expect((await db.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows).toEqual([{ synchronous_commit: 'on' }]);
  });
});
