import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalogue } from '../../platform/catalogue/load';
import type { Catalogue } from '../../platform/catalogue/types';
import { loadConfig } from '../../platform/config';
import { createLogger } from '../../platform/logger';
import type { RunningPlatform } from '../../platform/server/start';
import { startPlatform } from '../../platform/server/start';

/** A parsed response body; state handlers read a few fields of it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are checked by status, then read field by field
export type Json = any;

export interface AppCredentials {
  clientId: string;
  clientSecret: string;
  partnerId: string;
}

/** The scopes a channel app gets: every process API, nothing internal. */
const CHANNEL_SCOPES = ['orders:read', 'orders:write', 'returns:read', 'returns:write', 'availability:read', 'availability:write'];

export interface ProviderConcord {
  platform: RunningPlatform;
  url: string;
  /** The admin app from the fresh data dir: system and sandbox scopes, for verifying the sandbox systems. */
  admin: AppCredentials;
  /** Registers an app of its own partner through the admin API, as `concord apps create --partner` does. */
  createApp(name: string): Promise<AppCredentials>;
  /** A fresh token for the app from /oauth/token: the same client-credentials grant a channel uses. */
  token(app: AppCredentials): Promise<string>;
  /** The app's current token, as a channel keeps one: fetched again a minute before it expires. */
  tokenSource(app: AppCredentials): () => Promise<string>;
  /** One call through the gateway as the app (or the admin app); unsafe calls get an Idempotency-Key unless given one. */
  call(as: AppCredentials | 'admin', method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: Json; headers: Headers }>;
  close(): Promise<void>;
}

/**
 * Concord as `npm start` runs it, on the embedded default in a temp data dir and an ephemeral port, for provider
 * verification. The outbox relay and the workers are driven by the states and message providers (background off),
 * so a message is produced when a provider asks for it and never raced by a background pass. Responses are
 * validated against the contracts (enforce), so what the pacts are checked against is also what the contracts say.
 */
export async function startProviderConcord(root: string, catalogue?: Catalogue): Promise<ProviderConcord> {
  const dir = await mkdtemp(join(tmpdir(), 'concord-pact-verify-'));
  let platform: RunningPlatform;
  try {
    // The user's catalogue (concord.yaml or CONCORD_CONFIG, with its ${VAR}s) unless the caller gives one: the
    // verified gateway serves what the user's own start would.
    const config = loadConfig(
      { PORT: '0', HOST: '127.0.0.1', CONCORD_DATA_DIR: dir, CONCORD_RESPONSE_VALIDATION: 'enforce', LOG_LEVEL: 'silent' },
      { root, catalogue: catalogue ?? loadCatalogue(root, process.env) },
    );
    platform = await startPlatform(config, createLogger({ level: 'silent' }), undefined, { background: false });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const admin = platform.bootstrap?.admin;
  if (!admin) throw new Error('a fresh data dir gave no admin credentials');
  const adminApp: AppCredentials = { clientId: admin.client_id, clientSecret: admin.client_secret, partnerId: '' };

  const issue = async (app: AppCredentials): Promise<{ token: string; expiresAt: number }> => {
    const res = await fetch(`${platform.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret }),
    });
    if (res.status !== 200) throw new Error(`no token for ${app.clientId}: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { access_token: string; expires_in: number };
    return { token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
  };
  const token = async (app: AppCredentials) => (await issue(app)).token;
  const tokenSource = (app: AppCredentials) => {
    let current: Promise<{ token: string; expiresAt: number }> | undefined;
    return async () => {
      const held = current ? await current.catch(() => undefined) : undefined;
      if (!held || held.expiresAt - Date.now() < 60_000) current = issue(app);
      return (await current!).token;
    };
  };

  const call: ProviderConcord['call'] = async (as, method, path, body, headers = {}) => {
    const app = as === 'admin' ? adminApp : as;
    const res = await fetch(`${platform.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await token(app)}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(method !== 'GET' && !('Idempotency-Key' in headers) ? { 'Idempotency-Key': randomUUID() } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };

  return {
    platform,
    url: platform.url,
    admin: adminApp,
    token,
    tokenSource,
    call,
    async createApp(name) {
      const partner = await call('admin', 'POST', '/admin/v1/partners', { name, contactEmail: 'channel-team@example.com' });
      if (partner.status !== 201) throw new Error(`registering the partner ${name}: ${partner.status} ${JSON.stringify(partner.body)}`);
      const partnerId: string = partner.body.id;
      // The scopes of catalogue contract directories too, so their pacts verify through the same gateway.
      const scopes = [...new Set([...CHANNEL_SCOPES, ...platform.externalScopes])];
      const res = await call('admin', 'POST', '/admin/v1/apps', { name, plan: 'partner', scopes, partnerId });
      if (res.status !== 201) throw new Error(`registering the app ${name}: ${res.status} ${JSON.stringify(res.body)}`);
      return { clientId: res.body.clientId, clientSecret: res.body.clientSecret, partnerId };
    },
    async close() {
      await platform.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
