import { join } from 'node:path';
import type { Config } from '../config';
import type { Database } from './database';
import { openPglite } from './pglite';
import type { PgliteTemplate } from './pglite-template';
import type * as Postgres from './postgres';

/** PostgreSQL when `DATABASE_URL` is set, otherwise PGlite under the data dir (a fresh one made from `template`). */
export function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>, template?: PgliteTemplate): Promise<Database> {
  if (!config.databaseUrl) return openPglite(join(config.dataDir, 'pgdata'), template);
  // node-postgres is loaded only with DATABASE_URL: the embedded default starts without it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { openPostgres } = require('./postgres') as typeof Postgres;
  return openPostgres(config.databaseUrl);
}
