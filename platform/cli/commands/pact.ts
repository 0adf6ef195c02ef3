import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../../package-root';
import type { Command } from 'commander';
import { Option } from 'commander';
import { PROCESS_CONSUMER, SYSTEM_PROVIDERS } from '../../../pact/support/names';
import type { SystemProvider } from '../../../pact/support/names';
import type { PactVerification } from '../../../pact/provider/verify';
import type { SystemVerification } from '../../../pact/provider/verify-system';
import type { WorkerMessage, WorkerRequest } from '../../../pact/provider/verify-worker';
import { CliFailure } from '../admin-client';
import type { CommandContext } from '../context';

interface VerifyOptions {
  json?: boolean;
  verbose?: boolean;
  root?: string;
  provider?: string;
  providerUrl?: string;
  stateChangeUrl?: string;
  allowUnverifiable?: boolean;
}

type Outcome = { results: PactVerification[] } | { systemResults: SystemVerification[] };

/**
 * Runs pact/provider/verify-worker in a child process (see there for why) and collects its results: the compiled
 * worker next to this compiled module, or the TypeScript source through tsx when this module runs from source.
 */
function runWorker(request: WorkerRequest, progress: (msg: string) => void, verbose: (chunk: Buffer) => void, signal: AbortSignal): Promise<Outcome> {
  // A checkout given with --root verifies its own code (its handlers may differ from this package's, as in the
  // breaking-change guard); this package's compiled worker otherwise.
  const own = join(request.root, 'pact', 'provider', 'verify-worker.ts');
  const worker = resolve(request.root) !== PACKAGE_ROOT && existsSync(own) ? own : require.resolve('../../../pact/provider/verify-worker');
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
    let outcome: Outcome | { error: string } | undefined;
    child.on('message', (m: WorkerMessage) => {
      if ('progress' in m) progress(m.progress);
      else outcome = m;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      signal.removeEventListener('abort', stop);
      if (outcome && !('error' in outcome)) resolvePromise(outcome);
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

function systemReport(results: readonly SystemVerification[], seconds: string, allowUnverifiable: boolean): string {
  const lines: string[] = [];
  for (const r of results) {
    const failed = new Set(r.failures.map((f) => f.interaction)).size;
    const skipped = r.unverifiable.length;
    const run = r.interactions - skipped;
    lines.push(
      failed === 0
        ? `${skipped ? '~' : '✓'} ${r.consumer} → ${r.provider} at ${r.target}: ${plural(run, 'interaction')} verified${skipped ? `, ${skipped} not verifiable` : ''}`
        : `✗ ${r.consumer} → ${r.provider} at ${r.target}: ${failed} of ${plural(r.interactions, 'interaction')} failed (${r.file})`,
    );
    for (const f of r.failures) lines.push(`    interaction "${f.interaction}":\n      ${f.mismatch}`);
    for (const u of r.unverifiable) lines.push(`    not verifiable: "${u.interaction}" needs provider state ${u.states.map((s) => `'${s}'`).join(' and ')}`);
  }
  const failed = results.reduce((n, r) => n + r.failures.length, 0);
  const skipped = results.reduce((n, r) => n + r.unverifiable.length, 0);
  const provider = results[0]?.provider ?? 'the system';
  if (failed) lines.push(`${provider} fails verification: it does not answer as ${PROCESS_CONSUMER} relies on (${seconds} s).`);
  else if (skipped) {
    lines.push(
      `${plural(skipped, 'interaction')} could not be verified: they need provider states, and no --state-change-url was given (README "Verify your adapter"). ` +
        (allowUnverifiable ? 'Accepted with --allow-unverifiable.' : 'Exit 1; pass --allow-unverifiable to accept a partial check.'),
    );
  } else lines.push(`${provider} passes: every interaction ${PROCESS_CONSUMER} relies on verified (${seconds} s).`);
  return lines.join('\n');
}

function httpUrl(value: string | undefined, option: string): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliFailure(`${option} must be an http(s) URL, not '${value}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliFailure(`${option} must be an http(s) URL, not '${value}'`);
  return url.toString().replace(/\/$/, '');
}

/** The system verification's request, or undefined for the channel pacts; rejects options that do not fit together. */
function systemRequest(opts: VerifyOptions): WorkerRequest['system'] {
  if (!opts.provider) {
    for (const [flag, set] of [['--provider-url', opts.providerUrl], ['--state-change-url', opts.stateChangeUrl], ['--allow-unverifiable', opts.allowUnverifiable]] as const) {
      if (set) throw new CliFailure(`${flag} needs --provider (${SYSTEM_PROVIDERS.join(', ')})`);
    }
    return undefined;
  }
  if (!(SYSTEM_PROVIDERS as readonly string[]).includes(opts.provider)) throw new CliFailure(`--provider must be one of ${SYSTEM_PROVIDERS.join(', ')}, not '${opts.provider}'`);
  if (opts.stateChangeUrl && !opts.providerUrl) throw new CliFailure("--state-change-url needs --provider-url: Concord's sandbox sets its states up itself");
  const providerUrl = httpUrl(opts.providerUrl, '--provider-url');
  const stateChangeUrl = httpUrl(opts.stateChangeUrl, '--state-change-url');
  return { provider: opts.provider as SystemProvider, ...(providerUrl ? { providerUrl } : {}), ...(stateChangeUrl ? { stateChangeUrl } : {}) };
}

export function registerPact(program: Command, ctx: CommandContext): void {
  const pact = program.command('pact').description('Consumer-driven contract tests (Pact)');
  pact
    .command('verify')
    .description("Start Concord on an ephemeral port and verify the repo's pacts (pact/pacts/), plus any pact file given, through the gateway")
    .argument('[pactFiles...]', "more pact files to verify, e.g. a partner's own pact")
    .option('--json', 'machine-readable output')
    .option('--verbose', "show the Pact verifier's own report (on stderr)")
    .addOption(new Option('--provider <system>', `verify the ${PROCESS_CONSUMER} pact of a system instead: Concord's sandbox, or the adapter at --provider-url`).choices([...SYSTEM_PROVIDERS]))
    .option('--provider-url <url>', "the retailer's adapter implementing the system contract (with --provider)")
    .option('--state-change-url <url>', "the adapter's provider-state hook, POSTed Pact's {state, params, action} (with --provider-url)")
    .option('--allow-unverifiable', 'exit 0 when the only gap is interactions that need a provider state and no hook was given')
    .addOption(new Option('--root <dir>').hideHelp())
    .addHelpText(
      'after',
      '\nConcord runs on the embedded default in a temp data dir; each consumer gets its own app and partner, and every\n' +
        'request carries a real token. Exits 1 when an interaction fails, naming the consumer, the interaction and the mismatch.\n\n' +
        `With --provider erp|wms|pos the ${PROCESS_CONSUMER} pact of that system is verified instead (pact/pacts/${PROCESS_CONSUMER}-<system>.json):\n` +
        '  against Concord\'s own sandbox system (no --provider-url), or against an adapter:\n' +
        '  concord pact verify --provider erp --provider-url http://erp-adapter:7102 --state-change-url http://erp-adapter:7102/_pact/provider-states\n' +
        'Without --state-change-url the interactions that need a provider state are reported as not verifiable and the\n' +
        'exit code is 1 unless --allow-unverifiable is given.',
    )
    .action(async (files: string[], opts: VerifyOptions) => {
      const out = ctx.output(!!opts.json);
      const root = resolve(opts.root ?? ctx.root);
      const system = systemRequest(opts);
      const started = Date.now();
      const outcome = await runWorker(
        { root, files: files.map((f) => resolve(f)), ...(system ? { system } : {}) },
        (msg) => out.progress(msg),
        (chunk) => {
          if (opts.verbose) process.stderr.write(chunk);
        },
        ctx.shutdown,
      );
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if ('systemResults' in outcome) {
        const results = outcome.systemResults;
        const failed = results.some((r) => r.failures.length > 0);
        const unverifiable = results.some((r) => r.unverifiable.length > 0);
        const ok = !failed && (!unverifiable || !!opts.allowUnverifiable);
        out.result({ ok, durationMs: Date.now() - started, provider: system!.provider, pacts: results }, systemReport(results, seconds, !!opts.allowUnverifiable));
        if (!ok) ctx.setExitCode(1);
        return;
      }
      const results = outcome.results;
      const ok = results.every((r) => r.failures.length === 0);
      out.result({ ok, durationMs: Date.now() - started, pacts: results }, report(results, seconds));
      if (!ok) ctx.setExitCode(1);
    });
}
