// How long `concord contracts review` takes on the worst case: a change to common/schemas.yaml, which every API
// contract references, so every contract is diffed and linted and every pact checked. Timed end to end (the CLI
// process included), three runs, in a throwaway git repo holding a copy of contracts/ and pact/pacts/.
import { execFileSync, spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const RUNS = 3;

async function main(): Promise<void> {
  const repo = await mkdtemp(join(tmpdir(), 'concord-bench-review-'));
  try {
    await cp(join(ROOT, 'contracts'), join(repo, 'contracts'), { recursive: true });
    await cp(join(ROOT, 'pact', 'pacts'), join(repo, 'pact', 'pacts'), { recursive: true });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('-c', 'user.name=bench', '-c', 'user.email=bench@concord.dev', 'commit', '-q', '-m', 'base');
    // A breaking change in the shared schemas: every contract is compared, linted, and every pact checked.
    const schemas = join(repo, 'contracts/openapi/common/schemas.yaml');
    await writeFile(schemas, (await readFile(schemas, 'utf8')).replace(/^(\s+)description: /m, '$1description: Changed. '));
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      const r = spawnSync(process.execPath, [join(ROOT, 'bin/concord.js'), 'contracts', 'review', '--root', repo, '--base', 'main', '--format', 'json'], { encoding: 'utf8' });
      times.push(performance.now() - started);
      if (r.status !== 0 && r.status !== 1) throw new Error(`review failed (${r.status}): ${r.stderr}`);
      const report = JSON.parse(r.stdout) as { summary: { contracts: unknown[] } };
      process.stderr.write(`  run ${i + 1}: ${Math.round(times[i] ?? 0)} ms, ${report.summary.contracts.length} contracts compared\n`);
    }
    times.sort((a, b) => a - b);
    console.log(`contracts review, all contracts with pacts, ${cpus().length} CPUs: median ${Math.round(times[1] ?? 0)} ms (min ${Math.round(times[0] ?? 0)}, max ${Math.round(times[2] ?? 0)})`);
  } finally {
    await rm(repo, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
