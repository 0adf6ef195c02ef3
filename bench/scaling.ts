// Codegen time and the contract-dependent part of gateway start-up at 1×, 10× and 50× the operations of the
// real contracts, on synthetic contracts that differ only in how many API files they hold. Each measurement
// runs in its own process, cold. Prints a table and the time per operation, which stays flat when both grow
// linearly.
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { loadContracts } from '../codegen/contracts';
import { syntheticRoot } from './scaling/synthetic-contracts';

const ROOT = join(__dirname, '..');
const SIZES = [1, 10, 50];
const TIMEOUT_MS = 10 * 60_000;

function run(args: string[]): Promise<{ ms: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve({ ms: performance.now() - started, stdout });
      else reject(new Error(`${args.join(' ')} exited ${code}: ${stderr.slice(-500)}`));
    });
  });
}

async function main(): Promise<void> {
  const base = (await loadContracts(ROOT, { validate: false })).operations.length;
  const rows: Array<{ size: number; operations: number; generateMs: number; startMs: number; loadMs: number }> = [];
  for (const size of SIZES) {
    const root = await syntheticRoot(ROOT, base * size);
    try {
      process.stderr.write(`  ${size}×: generating…\n`);
      const gen = await run([join(ROOT, 'bin', 'concord.js'), 'generate', '--root', root, '--json']);
      process.stderr.write(`  ${size}×: start-up phase…\n`);
      const start = await run([join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'bench', 'scaling', 'start-phase.ts'), root]);
      const phase = JSON.parse(start.stdout) as { operations: number; loadMs: number; totalMs: number };
      rows.push({ size, operations: phase.operations, generateMs: gen.ms, startMs: phase.totalMs, loadMs: phase.loadMs });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }
  const fmt = (n: number) => `${Math.round(n).toLocaleString('en-US')} ms`;
  const per = (ms: number, ops: number) => `${(ms / ops).toFixed(1)} ms`;
  const lines = [
    `Contract scaling (${cpus().length} CPUs, node ${process.version}); base = ${base} operations`,
    '',
    '| size | operations | concord generate | per operation | start-up (contract part) | per operation |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.size}× | ${r.operations.toLocaleString('en-US')} | ${fmt(r.generateMs)} | ${per(r.generateMs, r.operations)} | ${fmt(r.startMs)} | ${per(r.startMs, r.operations)} |`),
    '',
  ];
  // Growth between consecutive sizes: linear when the time grows by about the factor the operations do.
  for (let k = 1; k < rows.length; k++) {
    const [a, b] = [rows[k - 1], rows[k]];
    if (!a || !b) continue;
    const ops = b.operations / a.operations;
    lines.push(`${a.size}× → ${b.size}×: operations ×${ops.toFixed(1)}, generate ×${(b.generateMs / a.generateMs).toFixed(1)}, start-up ×${(b.startMs / a.startMs).toFixed(1)}`);
  }
  lines.push('', 'Below linear at the small end: process start, module loading and the common files are paid once at any size.');
  console.log(lines.join('\n'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
