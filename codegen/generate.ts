import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { ContractDirSource, ContractSet } from './contracts';
import { loadContractDir, loadContracts } from './contracts';
import { toPosix } from './contracts/discover';
import { compareOrdinal } from './contracts/order';
import { emitClients, emitHandlers } from './emit/handlers-and-clients';
import { emitManifest } from './emit/manifest';
import type { GeneratedFile } from './emit/naming';
import { GENERATED_DIR } from './emit/naming';
import { emitApiTypes, emitEventTypes } from './emit/types';
import { emitValidators } from './emit/validators';

export interface GenerateResult {
  files: string[];
  /** Files written (generate) or found stale (check). */
  changed: string[];
  /** Generated files on disk that no contract produces any more. */
  removed: string[];
  operations: number;
  events: number;
  ms: number;
  /** House-rule findings the import profile downgraded (contract directories only). */
  warnings?: string[];
}

/** Everything `concord generate` produces, in memory. Deterministic: same contracts, same bytes. */
export async function renderAll(set: ContractSet): Promise<GeneratedFile[]> {
  const [apiTypes, eventTypes] = await Promise.all([emitApiTypes(set), emitEventTypes(set)]);
  const files = [...apiTypes, ...eventTypes, ...emitValidators(set), ...emitManifest(set), ...emitHandlers(set), ...emitClients(set)];
  return files.sort((a, b) => compareOrdinal(a.path, b.path));
}

async function listGenerated(root: string): Promise<string[]> {
  const dir = join(root, GENERATED_DIR);
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => toPosix(relative(root, join(e.parentPath, e.name))));
}

/**
 * Regenerates `generated/` from the contracts. With `check`, writes nothing and reports what is stale.
 * Files are written only when their content changes, so timestamps stay meaningful for tooling.
 */
export async function generate(
  root: string,
  opts: { check?: boolean; onProgress?: (msg: string) => void } = {},
): Promise<GenerateResult> {
  const started = performance.now();
  const progress = opts.onProgress ?? (() => {});
  progress('loading and validating contracts');
  const set = await loadContracts(root);
  progress(`rendering ${set.operations.length} operations and ${set.events.length} events`);
  const files = await renderAll(set);
  const wanted = new Set(files.map((f) => f.path));
  const changed = await writeChanged(root, files, !!opts.check);
  const removed = (await listGenerated(root)).filter((p) => !wanted.has(p));
  if (!opts.check) await Promise.all(removed.map((p) => rm(join(root, p))));
  return {
    files: files.map((f) => f.path),
    changed,
    removed,
    operations: set.operations.length,
    events: set.events.length,
    ms: Math.round(performance.now() - started),
  };
}

/** Writes the files whose content differs (none with `check`) and returns their paths. */
async function writeChanged(dir: string, files: readonly GeneratedFile[], check: boolean): Promise<string[]> {
  const changed: string[] = [];
  for (const f of files) {
    const current = await readFile(join(dir, f.path), 'utf8').catch(() => undefined);
    if (current === f.content) continue;
    changed.push(f.path);
    if (!check) {
      await mkdir(dirname(join(dir, f.path)), { recursive: true });
      await writeFile(join(dir, f.path), f.content);
    }
  }
  return changed;
}

/**
 * `concord generate --contracts DIR --out DIR`: the types and openapi-fetch clients of a contract directory that
 * Concord serves from the catalogue, for the channel teams that call it. Only these: its routes and validators are
 * built at start-up, so nothing of it is generated into the package. Written under `out` as `types/…` and `clients/…`.
 */
export async function generateForDirectory(
  source: ContractDirSource,
  out: string,
  opts: { check?: boolean; onProgress?: (msg: string) => void } = {},
): Promise<GenerateResult> {
  const started = performance.now();
  opts.onProgress?.(`loading and validating the contracts under ${source.dir} (${source.profile.name} profile)`);
  const set = await loadContractDir(source);
  const warnings = set.warnings.map((w) => `${w.file}#${w.pointer}: ${w.message}`);
  for (const w of warnings) opts.onProgress?.(`warning: ${w}`);
  const prefix = `${GENERATED_DIR}/`;
  const files = [...(await emitApiTypes(set)), ...emitClients(set)]
    .map((f) => ({ path: f.path.slice(prefix.length), content: f.content }))
    .sort((a, b) => compareOrdinal(a.path, b.path));
  const changed = await writeChanged(out, files, !!opts.check);
  return { files: files.map((f) => f.path), changed, removed: [], operations: set.operations.length, events: 0, ms: Math.round(performance.now() - started), warnings };
}
