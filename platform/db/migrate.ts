import type { Database } from './database';

export interface Migration {
  /** Unique and ordered, e.g. `platform/0001_init`. Never renamed once released. */
  id: string;
  sql: string;
}

/** Serialises concurrent migrators (several instances starting at once against one PostgreSQL). */
const MIGRATION_LOCK = 7_402_117;

/** Applies the migrations not yet applied, each in its own transaction with its bookkeeping row. */
export async function migrate(db: Database, migrations: readonly Migration[]): Promise<string[]> {
  // IF NOT EXISTS is not safe against a concurrent creator, so the bootstrap takes the lock too.
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query('CREATE SCHEMA IF NOT EXISTS concord');
    await tx.query(
      'CREATE TABLE IF NOT EXISTS concord.schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
  });
  // One read to skip what is applied (every migration, on a restart or a data dir made from the template); each
  // one still checks again under the lock, since another instance may apply it meanwhile.
  const { rows: present } = await db.query<{ id: string }>('SELECT id FROM concord.schema_migrations');
  const known = new Set(present.map((r) => r.id));
  const applied: string[] = [];
  for (const m of migrations) {
    if (known.has(m.id)) continue;
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const { rows } = await tx.query('SELECT 1 FROM concord.schema_migrations WHERE id = $1', [m.id]);
      if (rows.length > 0) return false;
      await tx.query(m.sql);
      await tx.query('INSERT INTO concord.schema_migrations (id) VALUES ($1)', [m.id]);
      return true;
    });
    if (done) applied.push(m.id);
  }
  return applied;
}
