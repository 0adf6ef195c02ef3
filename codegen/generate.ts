import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { ContractSet } from './contracts';
import { loadContracts } from './contracts';
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
  const changed: string[] = [];
  for (const f of files) {
    const current = await readFile(join(root, f.path), 'utf8').catch(() => undefined);
    if (current === f.content) continue;
    changed.push(f.path);
    if (!opts.check) {
      await mkdir(dirname(join(root, f.path)), { recursive: true });
      await writeFile(join(root, f.path), f.content);
    }
  }
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
