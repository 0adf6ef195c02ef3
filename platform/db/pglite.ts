import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Database } from './database';
import { pgliteDatabase } from './pglite-database';
import type { PgliteTemplate } from './pglite-template';
import { BARE_TEMPLATE, loadPgliteTemplate } from './pglite-template';

/**
 * The embedded default: a real PostgreSQL, compiled to WASM, keeping its files under `dir`. A fresh `dir` starts
 * as a copy of `template` (default: a bare cluster, so callers that migrate themselves skip initdb too); an
 * existing one opens as it is.
 */
export async function openPglite(dir: string, template: PgliteTemplate = BARE_TEMPLATE): Promise<Database> {
  await mkdir(dir, { recursive: true });
  // PG_VERSION is the first file initdb writes and the marker PostgreSQL itself checks.
  const fresh = await stat(join(dir, 'PG_VERSION')).then(() => false, () => true);
  const pg = fresh ? await PGlite.create(dir, { loadDataDir: await loadPgliteTemplate(template) }) : await PGlite.create(dir);
  if (fresh && template.onCreate) await pg.exec(template.onCreate);
  return pgliteDatabase(pg, `PGlite at ${dir}`);
}
