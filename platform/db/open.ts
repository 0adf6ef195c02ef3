import { join } from 'node:path';
import type { Config } from '../config';
import type { Database } from './database';
import { openPglite } from './pglite';
import type { PgliteTemplate } from './pglite-template';
import { openPostgres } from './postgres';

/** PostgreSQL when `DATABASE_URL` is set, otherwise PGlite under the data dir (a fresh one made from `template`). */
export function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>, template?: PgliteTemplate): Promise<Database> {
  return config.databaseUrl ? openPostgres(config.databaseUrl) : openPglite(join(config.dataDir, 'pgdata'), template);
}
