/**
 * `npm run chaos [-- --faults a,b] [--orders N] [--fault-seconds S] [--quiet-seconds S]`: runs every fault (or those named) on a fresh
 * embedded Concord each, prints a Markdown table (README, "Reliability") and exits 1 if any check failed.
 */
import { FAULTS, runFault } from './faults';
import type { FaultResult } from './faults';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};

async function main() {
  const names = arg('faults', Object.keys(FAULTS).join(',')).split(',');
  const opts = { orders: Number(arg('orders', '20')), faultMs: Number(arg('fault-seconds', '15')) * 1000, quietMs: Number(arg('quiet-seconds', '40')) * 1000 };
  const results: FaultResult[] = [];
  for (const name of names) {
    process.stderr.write(`chaos: ${name} …\n`);
    const r = await runFault(name, opts);
    process.stderr.write(`chaos: ${name}: ${r.verdict.ok ? 'ok' : r.verdict.problems.join('; ')}\n`);
    results.push(r);
  }
  process.stdout.write('| fault | orders | acknowledged | recovery | checks |\n|---|---|---|---|---|\n');
  for (const r of results) {
    process.stdout.write(`| ${r.fault} | ${r.orders} | ${r.acknowledged} | ${(r.recoveryMs / 1000).toFixed(1)} s | ${r.verdict.ok ? 'pass' : `FAIL: ${r.verdict.problems.slice(0, 3).join('; ')}`} |\n`);
  }
  if (results.some((r) => !r.verdict.ok)) process.exitCode = 1;
}

main().catch((err: Error) => {
  process.stderr.write(`chaos failed: ${err.message}\n`);
  process.exit(1);
});
