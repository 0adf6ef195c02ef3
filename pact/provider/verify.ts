import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Verifier } from '@pact-foundation/pact';
import type { VerifierOptions } from '@pact-foundation/pact';
import type { Catalogue } from '../../platform/catalogue/types';
import { EVENTS_PROVIDER, HTTP_PROVIDER, PROCESS_CONSUMER, SYSTEM_PROVIDERS, pactsDir } from '../support/names';
import type { AppCredentials, ProviderConcord } from './concord';
import { startProviderConcord } from './concord';
import { failuresOf } from './failures';
import type { InteractionFailure } from './failures';
import { collectPublishedEvents, messageProviders } from './messages';
import { stateHandlers } from './states';

export type { InteractionFailure };

export interface PactVerification {
  file: string;
  consumer: string;
  provider: string;
  interactions: number;
  failures: InteractionFailure[];
}

export interface VerifyOptions {
  /** The Concord checkout: its contracts are served and its pact/pacts/ verified. */
  root: string;
  /** More pact files, e.g. a partner's own pact, verified after the committed ones. */
  files?: readonly string[];
  /** False: only `files` (e.g. the pacts of an API served from a catalogue contract directory). Default true. */
  committed?: boolean;
  /** The upstream catalogue Concord starts with: its contract directories are served and verified like Concord's own. */
  catalogue?: Catalogue;
  progress?: (msg: string) => void;
}

/**
 * The pact files of record plus the given ones, each once, in that order. The concord-process pacts are left out:
 * their providers are the systems behind Concord (`concord pact verify --provider erp|wms|pos`), not its gateway.
 */
export async function pactFiles(root: string, extra: readonly string[] = []): Promise<string[]> {
  const dir = pactsDir(root);
  const committed = (await readdir(dir).catch(() => [] as string[]))
    .filter((f) => f.endsWith('.json') && !f.startsWith(`${PROCESS_CONSUMER}-`))
    .sort()
    .map((f) => join(dir, f));
  return [...new Set([...committed, ...extra.map((f) => resolve(f))])];
}

interface PactHeader {
  consumer: string;
  provider: string;
  interactions: number;
}

async function readPact(file: string): Promise<PactHeader> {
  let pact: { consumer?: { name?: unknown }; provider?: { name?: unknown }; interactions?: unknown; messages?: unknown };
  try {
    pact = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file} is not a readable pact file (${(err as Error).message})`, { cause: err });
  }
  const consumer = pact.consumer?.name;
  const provider = pact.provider?.name;
  if (typeof consumer !== 'string' || typeof provider !== 'string') throw new Error(`${file} is not a pact file: it names no consumer and provider`);
  if (provider !== HTTP_PROVIDER && provider !== EVENTS_PROVIDER) {
    const hint = (SYSTEM_PROVIDERS as readonly string[]).includes(provider) ? `; verify it with --provider ${provider}` : '';
    throw new Error(`${file} is a pact with the provider '${provider}'; Concord verifies pacts with '${HTTP_PROVIDER}' (HTTP) or '${EVENTS_PROVIDER}' (events)${hint}`);
  }
  const list = Array.isArray(pact.interactions) ? pact.interactions : Array.isArray(pact.messages) ? pact.messages : [];
  return { consumer, provider, interactions: list.length };
}

/**
 * Starts Concord on the embedded default (temp data dir, ephemeral port) and verifies each pact against it through
 * the gateway. Each consumer gets its own app and partner, registered through the admin API; a request filter puts
 * a fresh token of that app on every request, so auth, scopes, partner isolation, validation and idempotency all
 * run as they do for the channel itself. Nothing is switched off for verification.
 */
export async function verifyPacts(opts: VerifyOptions): Promise<PactVerification[]> {
  const files = opts.committed === false ? [...new Set((opts.files ?? []).map((f) => resolve(f)))] : await pactFiles(opts.root, opts.files);
  if (files.length === 0) throw new Error(`no pact files: ${pactsDir(opts.root)} holds none and none were given`);
  const headers = await Promise.all(files.map(readPact));
  opts.progress?.(`starting Concord to verify ${files.length} pact file${files.length === 1 ? '' : 's'}`);
  const concord = await startProviderConcord(opts.root, opts.catalogue);
  try {
    const results: PactVerification[] = [];
    for (const [i, file] of files.entries()) {
      const header = headers[i]!;
      opts.progress?.(`verifying ${header.consumer} → ${header.provider} (${header.interactions} interaction${header.interactions === 1 ? '' : 's'})`);
      const failures = await verifyOne(concord, file, header);
      results.push({ file, ...header, failures });
    }
    return results;
  } finally {
    await concord.close();
  }
}

async function verifyOne(concord: ProviderConcord, file: string, pact: PactHeader): Promise<InteractionFailure[]> {
  const app = await concord.createApp(pact.consumer);
  let other: Promise<AppCredentials> | undefined;
  const otherPartner = () => (other ??= concord.createApp(`${pact.consumer}-other-partner`));
  const events = await collectPublishedEvents(concord);
  const token = concord.tokenSource(app);
  // The proxy's express handler type; express ships no types of its own here, so the parameters are spelled out.
  const requestFilter: NonNullable<VerifierOptions['requestFilter']> = (req: { headers: Record<string, unknown> }, _res: unknown, next: (err?: unknown) => void) => {
    token().then((t) => {
      req.headers.authorization = `Bearer ${t}`;
      next();
    }, next);
  };
  const verifier = new Verifier({
    provider: pact.provider,
    providerBaseUrl: concord.url,
    pactUrls: [file],
    // The proxy runs these for HTTP and message interactions alike; the option's type also demands the signature of
    // the older MessageProviderPact's handlers, which the Verifier never calls.
    stateHandlers: stateHandlers({ concord, app, otherPartner }) as VerifierOptions['stateHandlers'],
    messageProviders: messageProviders({ concord, app, events }),
    requestFilter,
    logLevel: 'error',
  });
  try {
    await verifier.verifyProvider();
    return [];
  } catch (err) {
    return failuresOf(pact.consumer, pact.provider, err);
  } finally {
    await events.close();
  }
}
