import type { Command } from 'commander';
import { createErpV1Client } from '../../../generated/clients/system/erp.v1';
import { createPosV1Client } from '../../../generated/clients/system/pos.v1';
import { createWmsV1Client } from '../../../generated/clients/system/wms.v1';
import type { components } from '../../../generated/types/system/erp.v1';
import type { ConnectionOptions } from '../admin-client';
import { CliFailure, connectAdmin, expectData, signIn, table, withConnectionOptions } from '../admin-client';
import type { CommandContext } from '../context';
import type { components as AdminComponents } from '../../../generated/types/platform/admin.v1';

type SandboxResetResult = AdminComponents['schemas']['SandboxResetResult'];

/** The contract's SandboxFaultConfig (the WMS and POS contracts reference ERP's). */
type FaultConfig = components['schemas']['SandboxFaultConfig'];
type FaultMode = FaultConfig['mode'];

export const SANDBOX_SYSTEMS = ['erp', 'wms', 'pos'] as const;
export type SandboxSystem = (typeof SANDBOX_SYSTEMS)[number];
export const FAULT_MODES: readonly FaultMode[] = ['none', 'down', 'slow', 'throttle', 'flaky'];

const LABEL: Record<SandboxSystem, string> = { erp: 'ERP', wms: 'WMS', pos: 'POS' };

/** The fault options as commander hands them over: strings, validated by parseFault. */
export interface FaultOptions {
  delayMs?: string;
  rate?: string;
  retryAfter?: string;
  duration?: string;
}

interface FaultCommandOptions extends FaultOptions, ConnectionOptions {}

/** A whole number in [min, max] from an option's text, or a CliFailure that says what is expected. */
function integerOption(flag: string, text: string, min: number, max: number, unit: string): number {
  const n = Number(text);
  if (!/^\s*-?\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new CliFailure(`${flag} must be a whole number of ${unit} from ${min} to ${max}, not '${text}'`);
  }
  return n;
}

/** Which option belongs to which mode; an option for another mode is refused rather than silently ignored. */
const MODE_OF_OPTION: ReadonlyArray<[keyof FaultOptions, string, FaultMode]> = [
  ['delayMs', '--delay-ms', 'slow'],
  ['rate', '--rate', 'flaky'],
  ['retryAfter', '--retry-after', 'throttle'],
];

/**
 * `concord sandbox fault <system> <mode> [options]` as the fault configuration to PUT, checked before anything is
 * sent: the contract's bounds, the options each mode needs, and no option that the mode would ignore.
 */
export function parseFault(systemArg: string, modeArg: string, opts: FaultOptions): { system: SandboxSystem; config: FaultConfig } {
  const system = systemArg.toLowerCase() as SandboxSystem;
  if (!SANDBOX_SYSTEMS.includes(system)) throw new CliFailure(`unknown system '${systemArg}': use erp, wms or pos`);
  const mode = modeArg.toLowerCase() as FaultMode;
  if (!FAULT_MODES.includes(mode)) throw new CliFailure(`unknown mode '${modeArg}': use ${FAULT_MODES.slice(0, -1).join(', ')} or flaky`);
  for (const [key, flag, owner] of MODE_OF_OPTION) {
    if (opts[key] !== undefined && mode !== owner) throw new CliFailure(`${flag} applies only to mode ${owner}, not ${mode}`);
  }
  if (opts.duration !== undefined && mode === 'none') throw new CliFailure('--duration does not apply to mode none, which clears the fault');

  const retryAfterSeconds = opts.retryAfter === undefined ? 1 : integerOption('--retry-after', opts.retryAfter, 1, 3600, 'seconds');
  const config: FaultConfig = { mode, retryAfterSeconds };
  if (mode === 'slow') {
    if (opts.delayMs === undefined) throw new CliFailure('mode slow needs --delay-ms <ms>, the added latency');
    config.delayMs = integerOption('--delay-ms', opts.delayMs, 0, 60_000, 'milliseconds');
  }
  if (mode === 'flaky') {
    if (opts.rate === undefined) throw new CliFailure('mode flaky needs --rate <share>, the share of requests that fail (0 to 1)');
    const rate = Number(opts.rate);
    if (opts.rate.trim() === '' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
      throw new CliFailure(`--rate must be a number from 0 to 1 (the share of requests that fail), not '${opts.rate}'`);
    }
    config.failureRate = rate;
  }
  if (opts.duration !== undefined) config.durationSeconds = integerOption('--duration', opts.duration, 1, 86_400, 'seconds');
  return { system, config };
}

/** One line for a fault, e.g. `ERP: down, resets in 1200 s`. */
export function describeFault(system: SandboxSystem, f: FaultConfig): string {
  return `${LABEL[system]}: ${f.mode}${detailOf(f) ? ` (${detailOf(f)})` : ''}${f.durationSeconds === undefined ? '' : `, resets in ${f.durationSeconds} s`}`;
}

function detailOf(f: FaultConfig): string {
  switch (f.mode) {
    case 'none':
      return 'behaves normally';
    case 'down':
      return 'every request 503';
    case 'slow':
      return `${f.delayMs ?? 0} ms added`;
    case 'throttle':
      return `every request 429, Retry-After ${f.retryAfterSeconds} s`;
    case 'flaky':
      return `${Math.round((f.failureRate ?? 0) * 1000) / 10} % of requests 503`;
  }
}

interface ResetCommandOptions extends ConnectionOptions {
  partner?: string;
  all?: boolean;
}

/** The reset request body from `--partner ID` or `--all`: exactly one of them. */
export function parseReset(opts: Pick<ResetCommandOptions, 'partner' | 'all'>): { partnerId: string } | { all: true } {
  if (opts.all && opts.partner !== undefined) throw new CliFailure('use either --partner <id> or --all, not both');
  if (opts.all) return { all: true };
  if (opts.partner === undefined || opts.partner.trim() === '') throw new CliFailure('say whose data to reset: --partner <id>, or --all for every partner');
  return { partnerId: opts.partner.trim() };
}

/** What a reset removed, one line per kind, for the human output. */
export function describeReset(target: string, r: SandboxResetResult): string {
  return [
    `Sandbox data reset for ${target}:`,
    `  orders removed           ${r.orders} (with their sync jobs and fulfilment groups)`,
    `  reservations removed     ${r.reservations}`,
    `  returns removed          ${r.returns} (with their jobs)`,
    `  idempotency keys removed ${r.idempotencyKeys}`,
    `  stock positions restored ${r.stockPositions} (demo stock is shared: restored for every partner)`,
  ].join('\n');
}

interface FaultApi {
  get(): Promise<FaultConfig>;
  put(config: FaultConfig): Promise<FaultConfig>;
}

/**
 * Signs in as the admin app asking for `sandbox:admin` only (the fault endpoints' scope) and returns each system's
 * fault endpoints. Like the admin commands, it never opens the database.
 */
async function connectSandbox(opts: ConnectionOptions, ctx: Pick<CommandContext, 'env' | 'root'>): Promise<Record<SandboxSystem, FaultApi>> {
  const session = await signIn(opts, ctx, 'sandbox:admin');
  const options = { baseUrl: session.url, fetch: session.fetch, headers: session.headers };
  const erp = createErpV1Client(options);
  const wms = createWmsV1Client(options);
  const pos = createPosV1Client(options);
  const labels = { mode: '<mode>', delayMs: '--delay-ms', failureRate: '--rate', retryAfterSeconds: '--retry-after', durationSeconds: '--duration' };
  return {
    erp: {
      get: () => expectData('reading the ERP fault', erp.GET('/system/erp/v1/sandbox/faults')),
      put: (body) => expectData('setting the ERP fault', erp.PUT('/system/erp/v1/sandbox/faults', { body }), labels),
    },
    wms: {
      get: () => expectData('reading the WMS fault', wms.GET('/system/wms/v1/sandbox/faults')),
      put: (body) => expectData('setting the WMS fault', wms.PUT('/system/wms/v1/sandbox/faults', { body }), labels),
    },
    pos: {
      get: () => expectData('reading the POS fault', pos.GET('/system/pos/v1/sandbox/faults')),
      put: (body) => expectData('setting the POS fault', pos.PUT('/system/pos/v1/sandbox/faults', { body }), labels),
    },
  };
}

export function registerSandbox(program: Command, ctx: CommandContext): void {
  const sandbox = program
    .command('sandbox')
    .description('Fault injection for the sandbox ERP, WMS and POS of a running Concord, and resetting its demo data')
    .addHelpText('after', '\nThese commands call the running server; they need its admin credentials (credentials.json in its data dir).');

  withConnectionOptions(
    sandbox
      .command('fault')
      .description("Set a sandbox system's fault: every request to it then fails, waits or is throttled (mode none clears it)")
      .argument('<system>', 'erp, wms or pos')
      .argument('<mode>', 'none, down (503), slow (added latency), throttle (429) or flaky (503 on a share of requests)')
      .option('--delay-ms <ms>', 'for slow: the added latency, 0 to 60000 ms')
      .option('--rate <share>', 'for flaky: the share of requests that fail, 0 to 1')
      .option('--retry-after <seconds>', 'for throttle: the Retry-After value, 1 to 3600 s (default 1)')
      .option('--duration <seconds>', 'reset to none by itself after this many seconds, 1 to 86400')
      .addHelpText('after', '\nExamples:\n  concord sandbox fault erp down --duration 1200\n  concord sandbox fault wms slow --delay-ms 2500\n  concord sandbox fault pos flaky --rate 0.2\n  concord sandbox fault erp none'),
    ctx,
  ).action(async (systemArg: string, modeArg: string, opts: FaultCommandOptions) => {
    const out = ctx.output(!!opts.json);
    const { system, config } = parseFault(systemArg, modeArg, opts);
    const api = await connectSandbox(opts, ctx);
    const active = await api[system].put(config);
    out.result({ system, ...active }, describeFault(system, active));
  });

  withConnectionOptions(sandbox.command('faults').description('Show the fault each sandbox system is applying now'), ctx).action(async (opts: ConnectionOptions) => {
    const out = ctx.output(!!opts.json);
    const api = await connectSandbox(opts, ctx);
    const faults = { erp: await api.erp.get(), wms: await api.wms.get(), pos: await api.pos.get() };
    const rows = SANDBOX_SYSTEMS.map((s) => [LABEL[s], faults[s].mode, detailOf(faults[s]), faults[s].durationSeconds === undefined ? '-' : `${faults[s].durationSeconds} s`]);
    out.result(faults, table(['SYSTEM', 'MODE', 'EFFECT', 'RESETS IN'], rows));
  });

  withConnectionOptions(
    sandbox
      .command('reset')
      .description("Remove a partner's sandbox orders, reservations, returns and idempotency keys, and restore the demo stock")
      .option('--partner <id>', 'the partner whose data is removed')
      .option('--all', "remove every partner's data")
      .addHelpText('after', '\nDemo stock is shared across partners: restoring it resets it for all of them.\n\nExamples:\n  concord sandbox reset --partner prt_sandbox\n  concord sandbox reset --all --json'),
    ctx,
  ).action(async (opts: ResetCommandOptions) => {
    const out = ctx.output(!!opts.json);
    const body = parseReset(opts);
    const { client } = await connectAdmin(opts, ctx);
    const result = await expectData('resetting the sandbox', client.POST('/admin/v1/sandbox/reset', { body }), { partnerId: '--partner' });
    out.result(result, describeReset('partnerId' in body ? `partner ${body.partnerId}` : 'every partner', result));
  });
}
