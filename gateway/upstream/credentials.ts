import type { Dispatcher } from 'undici';
import { request } from 'undici';
import type { UpstreamAuth } from '../../platform/catalogue/types';

/**
 * Concord's own credentials toward a catalogue upstream (never the partner's, which are stripped): a static header,
 * an API key in a header or the query, HTTP Basic, or an OAuth2 client-credentials token. The token is fetched on
 * first use, shared by every request while it is fetched, cached until shortly before it expires, and fetched
 * again once when the upstream answers 401 to it.
 */
export interface Credentials {
  /** Sets the credential on the outbound headers; a promise only while an OAuth2 token is being fetched. */
  apply(headers: Record<string, string>): void | Promise<void>;
  /** `name=value` to append to the query (API key in the query), else undefined. */
  readonly query?: string;
  /** The upstream refused these headers' credential (401): drop it if cached; true when a new one may help. */
  rejected(headers: Record<string, string>): boolean;
}

export class TokenError extends Error {
  override name = 'TokenError';
}

export interface CredentialOptions {
  /** Where the token request goes (a pool with the upstream's CA, or the global dispatcher). */
  dispatcher?: Dispatcher;
  timeoutMs: number;
  now?: () => number;
}

export function createCredentials(auth: UpstreamAuth | undefined, options: CredentialOptions): Credentials | undefined {
  if (!auth) return undefined;
  switch (auth.type) {
    case 'header':
      return staticHeader(auth.name.toLowerCase(), auth.value);
    case 'basic':
      return staticHeader('authorization', `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`);
    case 'apiKey':
      if (auth.query) return { apply() {}, query: `${encodeURIComponent(auth.query)}=${encodeURIComponent(auth.value)}`, rejected: () => false };
      return staticHeader((auth.header ?? 'x-api-key').toLowerCase(), auth.value);
    case 'oauth2':
      return oauth2(auth, options);
  }
}

const staticHeader = (name: string, value: string): Credentials => ({
  apply(headers) {
    headers[name] = value;
  },
  rejected: () => false,
});

/** A token is renewed this long before it expires (or a tenth of its lifetime, if shorter), so none goes out stale. */
const EARLY_RENEWAL_MS = 30_000;
/** A token answer without `expires_in` is kept this long. */
const DEFAULT_LIFETIME_MS = 5 * 60_000;
const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;

function oauth2(auth: Extract<UpstreamAuth, { type: 'oauth2' }>, options: CredentialOptions): Credentials {
  const now = options.now ?? Date.now;
  let token: { header: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (auth.scope) form.set('scope', auth.scope);
  if (auth.audience) form.set('audience', auth.audience);
  const body = form.toString();
  // client_secret_basic, which RFC 6749 §2.3.1 makes every server support; form-encoded per §2.3.1 as well.
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(auth.clientId)}:${encodeURIComponent(auth.clientSecret)}`).toString('base64')}`;

  async function fetchToken(): Promise<string> {
    let res;
    try {
      res = await request(auth.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', authorization: basic },
        body,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
        ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      });
    } catch (err) {
      throw new TokenError(`the token endpoint could not be reached (${(err as Error).message})`);
    }
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new TokenError(`the token endpoint answered ${res.statusCode}`);
    if (text.length > MAX_TOKEN_RESPONSE_BYTES) throw new TokenError('the token endpoint answered too much');
    let parsed: { access_token?: unknown; token_type?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new TokenError('the token endpoint answered something other than JSON');
    }
    if (typeof parsed.access_token !== 'string' || !parsed.access_token) throw new TokenError('the token endpoint answered no access_token');
    const lifetimeMs = typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in * 1000 : DEFAULT_LIFETIME_MS;
    const header = `Bearer ${parsed.access_token}`;
    token = { header, renewAt: now() + lifetimeMs - Math.min(EARLY_RENEWAL_MS, lifetimeMs / 10) };
    return header;
  }

  return {
    apply(headers) {
      if (token && now() < token.renewAt) {
        headers.authorization = token.header;
        return;
      }
      pending ??= fetchToken().finally(() => (pending = undefined));
      return pending.then((header) => {
        headers.authorization = header;
      });
    },
    rejected(headers) {
      if (token && headers.authorization === token.header) token = undefined;
      return true;
    },
  };
}
