import { createHmac, generateKeyPairSync } from 'node:crypto';
import { SignJWT, exportJWK, exportSPKI, importJWK } from 'jose';
import { loadConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import type { RunningPlatform } from '../platform/server/start';
import { startPlatform } from '../platform/server/start';
import { REPO_ROOT, makeTempDir } from '../platform/testing/temp-dir';

// Each attack from the gateway issue, through the running gateway: every one must be a plain 401.

let dir: { path: string; remove(): Promise<void> };
let platform: RunningPlatform;
let kid: string;
let publicPem: string;

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
const claims = (over: Record<string, unknown> = {}) => ({
  iss: 'urn:concord:gateway',
  aud: 'urn:concord:api',
  sub: 'app_sandbox',
  scope: 'orders:read',
  partner: 'prt_sandbox',
  iat: now(),
  exp: now() + 600,
  jti: `jti_${Math.random().toString(36).slice(2)}`,
  ...over,
});

/** A token signed with a fresh ES256 key that only claims to be ours (same kid). */
async function foreignEs256(payload: Record<string, unknown>, keyId: string): Promise<string> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = await exportJWK(privateKey);
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid: keyId, typ: 'JWT' }).sign(await importJWK(jwk, 'ES256'));
}

beforeAll(async () => {
  dir = await makeTempDir();
  platform = await startPlatform(loadConfig({ PORT: '0', CONCORD_DATA_DIR: dir.path }, { root: REPO_ROOT }), createLogger({ level: 'silent' }));
  const jwks = (await (await fetch(`${platform.url}/.well-known/jwks.json`)).json()) as { keys: Array<Record<string, string>> };
  const key = jwks.keys[0]!;
  kid = key.kid!;
  publicPem = await exportSPKI(await importJWK(key as never, 'ES256') as never);
});
afterAll(async () => {
  await platform?.close();
  await dir?.remove();
});

async function status(token: string): Promise<number> {
  const res = await fetch(`${platform.url}/v1/orders`, { headers: { authorization: `Bearer ${token}` } });
  return res.status;
}

describe('JWT attacks through the gateway', () => {
  it('a genuine token is accepted (the baseline for the attacks below)', async () => {
    const creds = platform.bootstrap!.sandbox;
    const res = await fetch(`${platform.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: creds.client_id, client_secret: creds.client_secret }).toString(),
    });
    const { access_token } = (await res.json()) as { access_token: string };
    expect(await status(access_token)).toBe(200);
  });

  it.each([
    ['alg: none', async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`],
    [
      'HS256 signed with the public key',
      async () => {
        const head = `${b64({ alg: 'HS256', typ: 'JWT', kid })}.${b64(claims())}`;
        return `${head}.${createHmac('sha256', publicPem).update(head).digest('base64url')}`;
      },
    ],
    ['a foreign key reusing a known kid', () => foreignEs256(claims(), kid)],
    ['a foreign key with an unknown kid', () => foreignEs256(claims(), 'sig_unknown')],
    // Over the verifier's 8 KB limit but under the 16 KB header limit: refused before any parsing.
    ['a 12 KB token', async () => `${b64({ alg: 'ES256', kid })}.${'A'.repeat(12 * 1024)}.sig`],
  ])('%s is 401', async (_name, make) => {
    expect(await status(await make())).toBe(401);
  });

  it('a 64 KB token never reaches the gateway: the HTTP parser answers 431 problem+json', async () => {
    const res = await fetch(`${platform.url}/v1/orders`, { headers: { authorization: `Bearer ${'A'.repeat(64 * 1024)}` } });
    expect(res.status).toBe(431);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(((await res.json()) as { type: string }).type).toBe('https://concord.dev/problems/headers-too-large');
  });
  // Expired, not-yet-valid, wrong iss/aud and missing exp need a token signed with the gateway's own sealed key:
  // gateway/auth/verify.test.ts covers each of them with real keys.
});
