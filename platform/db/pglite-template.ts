import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PACKAGE_ROOT } from '../package-root';
import type { Migration } from './migrate';
import { migrate } from './migrate';
import { pgliteDatabase } from './pglite-database';

/**
 * A migrated PGlite data dir, kept as a gzipped tarball and loaded into every fresh data dir: creating a cluster
 * (initdb) and migrating it from nothing is most of a first start, and of every test that opens PGlite. It holds
 * the schema only; what must differ per instance (keys, credentials, seeded sandbox data) is created after
 * opening, as on PostgreSQL.
 */
export interface PgliteTemplate {
  migrations: readonly Migration[];
  /** Where the tarball is cached; the name carries the digest, so a changed migration gets a new template. */
  cacheDir: string;
  /** SQL run once in a data dir created from the template, for rows that describe the instance itself. */
  onCreate?: string;
}

/** Outside the source tree and rebuilt by `npm ci`: node_modules/.cache is where tools keep what they can rebuild. */
export const DEFAULT_TEMPLATE_CACHE = join(PACKAGE_ROOT, 'node_modules', '.cache', 'concord');

/** A bare cluster: what initdb makes, for callers that migrate themselves. */
export const BARE_TEMPLATE: PgliteTemplate = { migrations: [], cacheDir: DEFAULT_TEMPLATE_CACHE };

let pgliteVersion: string | undefined;
/** The data dir's format belongs to the PGlite build that wrote it. */
function pgliteVersionOnce(): string {
  pgliteVersion ??= (JSON.parse(readFileSync(join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json'), 'utf8')) as { version: string }).version;
  return pgliteVersion;
}

export function templateDigest(template: Pick<PgliteTemplate, 'migrations'>): string {
  const hash = createHash('sha256').update(`pglite ${pgliteVersionOnce()}\n`);
  for (const m of template.migrations) hash.update(`${m.id}\n${m.sql}\n\0`);
  return hash.digest('hex').slice(0, 16);
}

export function templateFile(template: PgliteTemplate): string {
  return join(template.cacheDir, `pglite-${templateDigest(template)}.tar.gz`);
}

export interface TemplateResult {
  file: string;
  built: boolean;
  ms: number;
}

const pending = new Map<string, Promise<TemplateResult>>();

/**
 * The template's tarball, built when missing. Concurrent calls in one process share one build; several processes
 * may build at once, and each renames its complete file into place, so a reader never sees half of one.
 */
export function ensurePgliteTemplate(template: PgliteTemplate): Promise<TemplateResult> {
  const file = templateFile(template);
  let p = pending.get(file);
  if (!p) {
    // Shared while in flight only: afterwards the file is there (a stat), or a failed build is tried again.
    p = buildIfMissing(template, file).finally(() => pending.delete(file));
    pending.set(file, p);
  }
  return p;
}

async function buildIfMissing(template: PgliteTemplate, file: string): Promise<TemplateResult> {
  const started = Date.now();
  if (await stat(file).then(() => true, () => false)) return { file, built: false, ms: Date.now() - started };
  // A migrated template starts from the bare one (itself cached): loading it is a fraction of an initdb.
  const base = template.migrations.length ? await loadPgliteTemplate({ migrations: [], cacheDir: template.cacheDir }) : undefined;
  const pg = base ? await PGlite.create({ loadDataDir: base }) : await PGlite.create();
  let tarball: Blob;
  try {
    if (template.migrations.length) await migrate(pgliteDatabase(pg, 'PGlite template'), template.migrations);
    tarball = await pg.dumpDataDir('gzip');
  } finally {
    await pg.close();
  }
  await mkdir(template.cacheDir, { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(tmp, Buffer.from(await tarball.arrayBuffer()));
    await rename(tmp, file);
  } finally {
    await rm(tmp, { force: true });
  }
  return { file, built: true, ms: Date.now() - started };
}

/** The template as PGlite's `loadDataDir` takes it. */
export async function loadPgliteTemplate(template: PgliteTemplate): Promise<Blob> {
  const { file } = await ensurePgliteTemplate(template);
  return new Blob([await readFile(file)]);
}
