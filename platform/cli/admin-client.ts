import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { CREDENTIALS_FILE } from '../../gateway/apps/bootstrap';
import type { Credentials } from '../../gateway/apps/bootstrap';
import type { AdminV1Client } from '../../generated/clients/platform/admin.v1';
import { createAdminV1Client } from '../../generated/clients/platform/admin.v1';
import { createAuthV1Client } from '../../generated/clients/platform/auth.v1';
import type { CommandContext } from './context';

/**
 * How the admin commands (`concord apps …`, `concord plans …`) reach a running Concord: over its admin API, with
 * the admin app's credentials from the data dir. They never open the embedded database, which the server holds.
 */

/** A failure the person at the terminal can act on; main.ts prints its message as is, without a stack. */
export class CliFailure extends Error {
  override readonly name = 'CliFailure';
}

/** The options every admin command takes. */
export interface ConnectionOptions {
  url?: string;
  dataDir?: string;
  json?: boolean;
}

/** The admin app's entry in credentials.json, as bootstrapRegistry writes it. */
type AdminCredentials = Pick<Credentials, 'client_id' | 'client_secret'>;

/** Long enough for a token endpoint's scrypt check on a busy machine, short enough that a hung server is reported. */
const REQUEST_TIMEOUT_MS = 30_000;

// Same defaults as `concord start` (platform/config.ts): an empty variable counts as unset.
const fromEnv = (v: string | undefined): string | undefined => (v && v.trim() ? v.trim() : undefined);
export const defaultUrl = (env: NodeJS.ProcessEnv): string => `http://127.0.0.1:${fromEnv(env.PORT) ?? '8080'}`;
export const defaultDataDir = (env: NodeJS.ProcessEnv, root: string): string => resolve(fromEnv(env.CONCORD_DATA_DIR) ?? join(root, '.concord'));

/** Adds --url, --data-dir and --json, with the defaults shown in --help. */
export function withConnectionOptions(cmd: Command, ctx: CommandContext): Command {
  return cmd
    .option('--url <url>', `base URL of the running Concord (default: ${defaultUrl(ctx.env)}, from $PORT)`)
    .option('--data-dir <dir>', `data dir holding ${CREDENTIALS_FILE} with the admin credentials (default: $CONCORD_DATA_DIR or <package>/.concord)`)
    .option('--json', 'machine-readable output');
}

/** The admin app's client id and secret from `<dataDir>/credentials.json`. */
export async function readAdminCredentials(dataDir: string): Promise<AdminCredentials> {
  const file = join(dataDir, CREDENTIALS_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new CliFailure(
        `no admin credentials: ${file} does not exist. Concord writes it on its first start with this data dir; ` +
          'pass --data-dir (or set CONCORD_DATA_DIR) to the data dir the server uses.',
      );
    }
    throw new CliFailure(`cannot read the admin credentials in ${file} (${code ?? String(err)})`);
  }
  let admin: unknown;
  try {
    admin = (JSON.parse(text) as { admin?: unknown }).admin;
  } catch {
    throw new CliFailure(`${file} is not valid JSON`);
  }
  const { client_id, client_secret } = (admin ?? {}) as Partial<Record<string, unknown>>;
  if (typeof client_id !== 'string' || typeof client_secret !== 'string') {
    throw new CliFailure(`${file} holds no admin credentials (expected {"admin": {"client_id": …, "client_secret": …}})`);
  }
  return { client_id, client_secret };
}

/** fetch with a timeout, turning a connection failure into the message the CLI promises. */
function fetchFor(url: string, fetchImpl: typeof fetch): typeof fetch {
  return async (input, init) => {
    try {
      return await fetchImpl(input, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    } catch (err) {
      if (err instanceof Error && err.name === 'TimeoutError') {
        throw new CliFailure(`Concord at ${url} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s`);
      }
      throw new CliFailure(`cannot reach Concord at ${url}: is it running? (start it with \`npm start\`)`);
    }
  };
}

/** Body fields of a problem+json or OAuth error, as far as the answer has them. */
interface ErrorBody {
  title?: unknown;
  detail?: unknown;
  errors?: unknown;
  error?: unknown;
  error_description?: unknown;
}

/**
 * An API answer that is not a success, as one message: the problem's title and detail and each `errors[]` entry.
 * `labels` names a body pointer's field as the CLI option that set it (`/plan` → `--plan`).
 */
export function apiFailure(what: string, response: Response, error: unknown, labels: Readonly<Record<string, string>> = {}): CliFailure {
  const body = (error !== null && typeof error === 'object' ? error : {}) as ErrorBody;
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const title = str(body.title) ?? str(body.error) ?? `HTTP ${response.status}`;
  const detail = str(body.detail) ?? str(body.error_description) ?? (typeof error === 'string' && error.length <= 200 ? str(error.trim()) : undefined);
  const lines = [`${what} failed (${response.status}): ${title}${detail && detail !== title ? `: ${detail}` : ''}`];
  for (const e of Array.isArray(body.errors) ? (body.errors as unknown[]) : []) {
    const { pointer, message } = (e ?? {}) as { pointer?: unknown; message?: unknown };
    const field = typeof pointer === 'string' ? (labels[pointer.split('/')[1] ?? ''] ?? pointer) : '';
    lines.push(`  ${field}: ${str(message) ?? 'is invalid'}`);
  }
  return new CliFailure(lines.join('\n'));
}

/** The data of a successful openapi-fetch call; anything else becomes a CliFailure naming `what`. */
export async function expectData<D>(
  what: string,
  pending: Promise<{ data?: D; error?: unknown; response: Response }>,
  labels?: Readonly<Record<string, string>>,
): Promise<D> {
  let result: Awaited<typeof pending>;
  try {
    result = await pending;
  } catch (err) {
    if (err instanceof CliFailure) throw err;
    // openapi-fetch parses every success as JSON: whatever answered is not Concord's admin API.
    throw new CliFailure(`${what} failed: the answer was not Concord's (${err instanceof Error ? err.message : String(err)})`);
  }
  const { data, error, response } = result;
  if (response.ok && data !== undefined) return data;
  throw apiFailure(what, response, error, labels);
}

export interface AdminConnection {
  url: string;
  client: AdminV1Client;
}

/** A signed-in session of the admin app: the base URL, a fetch with timeouts, and the bearer header. */
export interface AdminSession {
  url: string;
  fetch: typeof fetch;
  headers: { Authorization: string };
}

/**
 * Signs in as the admin app (client credentials at POST /oauth/token) asking for `scope` only, so each command
 * holds no more authority than it uses. `fetchImpl` is for tests; the CLI uses the global fetch.
 */
export async function signIn(opts: ConnectionOptions, ctx: Pick<CommandContext, 'env' | 'root'>, scope: string, fetchImpl: typeof fetch = fetch): Promise<AdminSession> {
  const url = (opts.url ?? defaultUrl(ctx.env)).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(url)) throw new CliFailure(`--url must be an http(s) URL, not '${url}'`);
  const dataDir = opts.dataDir === undefined ? defaultDataDir(ctx.env, ctx.root) : resolve(opts.dataDir);
  const creds = await readAdminCredentials(dataDir);
  const send = fetchFor(url, fetchImpl);

  const auth = createAuthV1Client({ baseUrl: url, fetch: send });
  const pending = auth.POST('/oauth/token', {
    body: { grant_type: 'client_credentials', client_id: creds.client_id, client_secret: creds.client_secret, scope },
  });
  const { data, error, response } = await pending.catch((err: unknown) => {
    if (err instanceof CliFailure) throw err;
    throw new CliFailure(`signing in at ${url}/oauth/token failed: the answer was not Concord's`);
  });
  if (!data) {
    if (response.status === 401) {
      throw new CliFailure(
        `Concord at ${url} refused the admin credentials from ${join(dataDir, CREDENTIALS_FILE)}: ` +
          'is that the data dir of the server running there? (pass --data-dir)',
      );
    }
    throw apiFailure(`signing in at ${url}/oauth/token`, response, error);
  }
  return { url, fetch: send, headers: { Authorization: `Bearer ${data.access_token}` } };
}

/** Signs in with the `admin` scope and returns an admin API client carrying the token. */
export async function connectAdmin(opts: ConnectionOptions, ctx: Pick<CommandContext, 'env' | 'root'>, fetchImpl: typeof fetch = fetch): Promise<AdminConnection> {
  const session = await signIn(opts, ctx, 'admin', fetchImpl);
  return { url: session.url, client: createAdminV1Client({ baseUrl: session.url, fetch: session.fetch, headers: session.headers }) };
}

/** Columns padded to their widest cell, for the human output of list commands. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** The same page size the admin contract allows at most: fewest round trips when listing everything. */
export const LIST_PAGE = 100;

/**
 * Every item of a cursor-paged admin list, page by page. A server that hands back a cursor it already gave would
 * loop forever; that stops with a failure instead.
 */
export async function collectPages<T>(what: string, page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor?: string | null }>): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  do {
    const next = await page(cursor);
    items.push(...next.items);
    cursor = next.nextCursor ?? undefined;
    if (cursor !== undefined && seen.has(cursor)) throw new CliFailure(`${what} failed: the server repeated a page cursor`);
    if (cursor !== undefined) seen.add(cursor);
  } while (cursor !== undefined);
  return items;
}
