import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Database } from './database';
import { pgliteDatabase } from './pglite-database';
import type { PgliteTemplate } from './pglite-template';
import { BARE_TEMPLATE, loadPgliteTemplate } from './pglite-template';

/**
 * PostgreSQL's defaults size a server (128 MB of shared buffers, 4 MB per sort): in WebAssembly every page ever
 * touched stays in the process, since its memory never shrinks. Concord's embedded data is small (issue 18, point 6).
 */
const SMALL_FOOTPRINT = (process.env.CONCORD_PGLITE_CONF ?? 'shared_buffers=16MB,work_mem=1MB,maintenance_work_mem=8MB,wal_buffers=1MB,temp_buffers=1MB').split(',').filter(Boolean);

/**
 * The embedded default: a real PostgreSQL, compiled to WASM, keeping its files under `dir`. A fresh `dir` starts
 * as a copy of `template` (default: a bare cluster, so callers that migrate themselves skip initdb too); an
 * existing one opens as it is.
 */
export async function openPglite(dir: string, template: PgliteTemplate = BARE_TEMPLATE): Promise<Database> {
  await mkdir(dir, { recursive: true });
  // PG_VERSION is the first file initdb writes and the marker PostgreSQL itself checks.
  const fresh = await stat(join(dir, 'PG_VERSION')).then(() => false, () => true);
  const startParams = [...PGlite.defaultStartParams, ...SMALL_FOOTPRINT.flatMap((c) => ['-c', c])];
  const pg = fresh ? await PGlite.create(dir, { startParams, loadDataDir: await loadPgliteTemplate(template) }) : await PGlite.create(dir, { startParams });
  if (fresh && template.onCreate) await pg.exec(template.onCreate);
  return pgliteDatabase(pg, `PGlite at ${dir}`);
}
