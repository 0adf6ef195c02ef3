import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Verifier } from '@pact-foundation/pact';
import type { VerifierOptions } from '@pact-foundation/pact';
import type { StateHandlers } from '@pact-foundation/pact/src/dsl/verifier/proxy/types';
import { PROCESS_CONSUMER, pactFileName, pactsDir } from '../support/names';
import type { SystemProvider } from '../support/names';
import type { ProviderConcord } from './concord';
import { startProviderConcord } from './concord';
import { failuresOf } from './failures';
import type { InteractionFailure } from './failures';
import { systemStateHandlers } from './system-states';

/** An interaction that was not run: it needs a provider state and no state-change hook was given. */
export interface UnverifiableInteraction {
  interaction: string;
  states: string[];
}

export interface SystemVerification {
  file: string;
  consumer: string;
  provider: SystemProvider;
  /** Where it was verified: Concord's sandbox (embedded) or the given URL. */
  target: string;
  interactions: number;
  failures: InteractionFailure[];
  unverifiable: UnverifiableInteraction[];
}

export interface SystemVerifyOptions {
  root: string;
  provider: SystemProvider;
  /** The retailer's adapter. Without it, Concord starts embedded and its sandbox system is verified. */
  providerUrl?: string;
  /** The adapter's provider-state hook (Pact's `{state, params, action}` POST). Only with providerUrl. */
  stateChangeUrl?: string;
  /** More pact files with this provider, verified after the committed one. */
  files?: readonly string[];
  progress?: (msg: string) => void;
}

interface PactInteraction {
  description?: string;
  providerStates?: Array<{ name?: string }>;
}
interface PactDoc {
  consumer?: { name?: string };
  provider?: { name?: string };
  interactions?: PactInteraction[];
}

async function readSystemPact(file: string, provider: SystemProvider): Promise<PactDoc> {
  let pact: PactDoc;
  try {
    pact = JSON.parse(await readFile(file, 'utf8')) as PactDoc;
  } catch (err) {
    throw new Error(`${file} is not a readable pact file (${(err as Error).message})`, { cause: err });
  }
  if (pact.provider?.name !== provider) throw new Error(`${file} is a pact with the provider '${pact.provider?.name}', not '${provider}'`);
  if (typeof pact.consumer?.name !== 'string' || !Array.isArray(pact.interactions)) throw new Error(`${file} is not a pact file: it names no consumer or has no interactions`);
  return pact;
}

const statesOf = (i: PactInteraction): string[] => (i.providerStates ?? []).map((s) => s.name ?? '').filter(Boolean);

/**
 * How the verifier reaches the provider-state hook: one handler per state the pact names, each POSTing Pact's
 * standard `{state, params, action}` body to the hook and handing back what it answers (values the interaction
 * injects). Going through the Pact proxy's handlers (rather than the verifier's own setup URL) keeps a hook
 * failure attributable: it names the state and the hook's answer.
 */
function hookHandlers(stateChangeUrl: string, states: readonly string[]): StateHandlers {
  const post = async (state: string, action: 'setup' | 'teardown', params: unknown) => {
    let res: Response;
    try {
      res = await fetch(stateChangeUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ state, params: params ?? {}, action }), signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      throw new Error(`the state-change hook ${stateChangeUrl} could not be reached for '${state}' (${action}): ${(err as Error).message}`, { cause: err });
    }
    const text = await res.text();
    if (!res.ok) throw new Error(`the state-change hook answered ${res.status} for '${state}' (${action}): ${text.slice(0, 500)}`);
    if (action === 'teardown' || !text.trim()) return undefined;
    try {
      return JSON.parse(text) as Record<string, never>;
    } catch {
      throw new Error(`the state-change hook answered '${state}' with something that is not JSON`);
    }
  };
  return Object.fromEntries(states.map((state) => [state, { setup: (params: unknown) => post(state, 'setup', params), teardown: (params: unknown) => post(state, 'teardown', params) }]));
}

/**
 * Verifies the concord-process pact of one system (erp, wms or pos) against whatever implements that contract:
 * Concord's sandbox (embedded, through the gateway as the admin app, states by pact/provider/system-states.ts) or
 * a retailer's adapter at `providerUrl`, states through its `stateChangeUrl`. Without a hook, the interactions that
 * need a state are left out and reported as not verifiable, each with the state it needs.
 */
export async function verifySystemPacts(opts: SystemVerifyOptions): Promise<SystemVerification[]> {
  if (opts.stateChangeUrl && !opts.providerUrl) throw new Error('--state-change-url needs --provider-url: the sandbox sets its states up itself');
  const committed = join(pactsDir(opts.root), pactFileName(PROCESS_CONSUMER, opts.provider));
  const files = [...new Set([committed, ...(opts.files ?? [])])];
  const pacts = await Promise.all(files.map((f) => readSystemPact(f, opts.provider)));
  const tmp = await mkdtemp(join(tmpdir(), 'concord-system-verify-'));
  let concord: ProviderConcord | undefined;
  try {
    if (!opts.providerUrl) {
      opts.progress?.(`starting Concord to verify its sandbox ${opts.provider}`);
      concord = await startProviderConcord(opts.root);
    }
    const target = opts.providerUrl ?? `Concord's sandbox ${opts.provider}`;
    const results: SystemVerification[] = [];
    for (const [i, file] of files.entries()) {
      const pact = pacts[i]!;
      const interactions = pact.interactions!;
      const consumer = pact.consumer!.name!;
      const needState = !concord && !opts.stateChangeUrl;
      const unverifiable = needState ? interactions.filter((x) => statesOf(x).length).map((x) => ({ interaction: x.description ?? '(unnamed)', states: statesOf(x) })) : [];
      const runnable = needState ? interactions.filter((x) => statesOf(x).length === 0) : interactions;
      opts.progress?.(`verifying ${consumer} → ${opts.provider} at ${target} (${runnable.length} of ${interactions.length} interactions)`);
      let pactFile = file;
      if (runnable.length !== interactions.length) {
        pactFile = join(tmp, `${i}-${basename(file)}`);
        await writeFile(pactFile, JSON.stringify({ ...pact, interactions: runnable }));
      }
      const failures = runnable.length ? await runVerifier(pactFile, consumer, opts, concord) : [];
      results.push({ file, consumer, provider: opts.provider, target, interactions: interactions.length, failures, unverifiable });
    }
    return results;
  } finally {
    await concord?.close();
    await rm(tmp, { recursive: true, force: true });
  }
}

async function runVerifier(file: string, consumer: string, opts: SystemVerifyOptions, concord: ProviderConcord | undefined): Promise<InteractionFailure[]> {
  const states = [...new Set(((JSON.parse(await readFile(file, 'utf8')) as PactDoc).interactions ?? []).flatMap(statesOf))];
  let stateHandlers: StateHandlers = {};
  let requestFilter: VerifierOptions['requestFilter'];
  if (concord) {
    stateHandlers = systemStateHandlers(concord, opts.provider);
    // The sandbox is behind the gateway: every request carries the admin app's token (system scopes).
    const token = concord.tokenSource(concord.admin);
    requestFilter = (req: { headers: Record<string, unknown> }, _res: unknown, next: (err?: unknown) => void) => {
      token().then((t) => {
        req.headers.authorization = `Bearer ${t}`;
        next();
      }, next);
    };
  } else if (opts.stateChangeUrl) {
    stateHandlers = hookHandlers(opts.stateChangeUrl, states);
  }
  const verifier = new Verifier({
    provider: opts.provider,
    providerBaseUrl: concord?.url ?? opts.providerUrl!,
    pactUrls: [file],
    stateHandlers: stateHandlers as VerifierOptions['stateHandlers'],
    ...(requestFilter ? { requestFilter } : {}),
    logLevel: 'error',
  });
  try {
    await verifier.verifyProvider();
    return [];
  } catch (err) {
    return failuresOf(consumer, opts.provider, err);
  }
}
