import { fork } from 'node:child_process';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { PactVerification } from '../../../pact/provider/verify';
import type { WorkerMessage, WorkerRequest } from '../../../pact/provider/verify-worker';
import { CliFailure } from '../admin-client';
import type { CommandContext } from '../context';

interface VerifyOptions {
  json?: boolean;
  verbose?: boolean;
  root?: string;
}

/**
 * Runs pact/provider/verify-worker in a child process (see there for why) and collects its results: the compiled
 * worker next to this compiled module, or the TypeScript source through tsx when this module runs from source.
 */
function runWorker(root: string, files: string[], progress: (msg: string) => void, verbose: (chunk: Buffer) => void, signal: AbortSignal): Promise<PactVerification[]> {
  const request: WorkerRequest = { root, files };
  const worker = require.resolve('../../../pact/provider/verify-worker');
  const child = fork(worker, [JSON.stringify(request)], {
    execArgv: worker.endsWith('.ts') ? ['--require', require.resolve('tsx/cjs')] : [],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, PACT_DO_NOT_TRACK: 'true' },
  });
  let stderr = '';
  child.stdout?.on('data', verbose);
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    verbose(d);
  });
  const stop = () => child.kill('SIGTERM');
  signal.addEventListener('abort', stop, { once: true });
  return new Promise((resolvePromise, reject) => {
    let outcome: { results: PactVerification[] } | { error: string } | undefined;
    child.on('message', (m: WorkerMessage) => {
      if ('progress' in m) progress(m.progress);
      else outcome = m;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      signal.removeEventListener('abort', stop);
      if (outcome && 'results' in outcome) resolvePromise(outcome.results);
      else if (outcome) reject(new CliFailure(outcome.error));
      else reject(new CliFailure(`the verification process ended (exit ${code}) without results${stderr.trim() ? `:\n${stderr.trim().split('\n').slice(-5).join('\n')}` : ''}`));
    });
  });
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function report(results: readonly PactVerification[], seconds: string): string {
  const lines: string[] = [];
  for (const r of results) {
    const failed = new Set(r.failures.map((f) => f.interaction)).size;
    lines.push(
      failed === 0
        ? `✓ ${r.consumer} → ${r.provider}: ${plural(r.interactions, 'interaction')} verified`
        : `✗ ${r.consumer} → ${r.provider}: ${failed} of ${plural(r.interactions, 'interaction')} failed (${r.file})`,
    );
    for (const f of r.failures) lines.push(`    consumer ${f.consumer}, interaction "${f.interaction}":\n      ${f.mismatch}`);
  }
  const failed = results.filter((r) => r.failures.length > 0).length;
  const total = results.reduce((n, r) => n + r.interactions, 0);
  lines.push(
    failed === 0
      ? `All ${plural(results.length, 'pact')} (${plural(total, 'interaction')}) verified against Concord in ${seconds} s.`
      : `${failed} of ${plural(results.length, 'pact')} failed verification against Concord (${seconds} s).`,
  );
  return lines.join('\n');
}

export function registerPact(program: Command, ctx: CommandContext): void {
  const pact = program.command('pact').description('Consumer-driven contract tests (Pact)');
  pact
    .command('verify')
    .description("Start Concord on an ephemeral port and verify the repo's pacts (pact/pacts/), plus any pact file given, through the gateway")
    .argument('[pactFiles...]', "more pact files to verify, e.g. a partner's own pact")
    .option('--json', 'machine-readable output')
    .option('--verbose', "show the Pact verifier's own report (on stderr)")
    .addOption(new Option('--root <dir>').hideHelp())
    .addHelpText(
      'after',
      '\nConcord runs on the embedded default in a temp data dir; each consumer gets its own app and partner, and every\n' +
        'request carries a real token. Exits 1 when an interaction fails, naming the consumer, the interaction and the mismatch.',
    )
    .action(async (files: string[], opts: VerifyOptions) => {
      const out = ctx.output(!!opts.json);
      const root = resolve(opts.root ?? ctx.root);
      const started = Date.now();
      const results = await runWorker(
        root,
        files.map((f) => resolve(f)),
        (msg) => out.progress(msg),
        (chunk) => {
          if (opts.verbose) process.stderr.write(chunk);
        },
        ctx.shutdown,
      );
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const ok = results.every((r) => r.failures.length === 0);
      out.result({ ok, durationMs: Date.now() - started, pacts: results }, report(results, seconds));
      if (!ok) ctx.setExitCode(1);
    });
}
