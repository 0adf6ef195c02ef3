/**
 * One measurement of bench:governance, run in its own process so that its peak memory is its own:
 *   measure.ts diff BASE REVISION | lint FILE | sample LIST_FILE
 * Prints one JSON line: the figures, and `maxRssMb` (the process's peak resident memory).
 */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { diffFiles } from '../../governance/diff/diff-files';
import { lintContracts } from '../../governance/lint/lint';
import { loadDocumentSet } from '../../governance/model/document-set';

const MAX_BYTES = 64 * 1024 * 1024;
const today = '2026-12-01';
const ms = (since: number) => Math.round(performance.now() - since);
const peakMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

async function diff(base: string, revision: string) {
  const started = performance.now();
  const { changes } = await diffFiles(base, revision, { today, maxBytes: MAX_BYTES, root: dirname(revision) });
  const count = (level: string) => changes.filter((c) => c.level === level).length;
  return { ms: ms(started), changes: changes.length, errors: count('error'), warnings: count('warning'), maxRssMb: peakMb() };
}

async function lint(file: string) {
  const started = performance.now();
  const findings = await lintContracts([file], { root: dirname(file), maxBytes: MAX_BYTES });
  return { ms: ms(started), findings: findings.length, maxRssMb: peakMb() };
}

/** Load, lint and self-diff each document; a self-diff must say nothing, and nothing may throw. */
async function sample(listFile: string) {
  const files = (await readFile(listFile, 'utf8')).split('\n').filter(Boolean);
  const docs = [];
  for (const file of files) {
    const doc: Record<string, unknown> = { file };
    try {
      let t = performance.now();
      await loadDocumentSet(file, (a) => a, new Map(), MAX_BYTES);
      doc.loadMs = ms(t);
      t = performance.now();
      const self = await diffFiles(file, file, { today, maxBytes: MAX_BYTES, root: dirname(file) });
      doc.selfDiffMs = ms(t);
      doc.selfDiffChanges = self.changes.map((c) => `${c.id}: ${c.message}`);
      t = performance.now();
      doc.lintFindings = (await lintContracts([file], { root: dirname(file), maxBytes: MAX_BYTES })).length;
      doc.lintMs = ms(t);
    } catch (e) {
      doc.error = `${(e as Error).name}: ${(e as Error).message}`.slice(0, 500);
    }
    docs.push(doc);
  }
  return { docs, maxRssMb: peakMb() };
}

async function main(): Promise<void> {
  const [mode, a, b] = process.argv.slice(2);
  const result = mode === 'diff' ? await diff(a as string, b as string) : mode === 'lint' ? await lint(a as string) : await sample(a as string);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e: unknown) => {
  process.stdout.write(`${JSON.stringify({ error: (e as Error).message })}\n`);
  process.exitCode = 1;
});
