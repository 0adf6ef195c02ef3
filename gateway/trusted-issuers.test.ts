import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { loadConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import type { RunningPlatform } from '../platform/server/start';
import { startPlatform } from '../platform/server/start';
import { REPO_ROOT, makeTempDir } from '../platform/testing/temp-dir';

// A partner's own identity provider, configured with CONCORD_TRUSTED_ISSUERS: its tokens are accepted with its
// JWKS, on the plan the configuration gives it, and nothing else it signs is.

const ISSUER = 'https://idp.partner.test';
let jwksServer: Server;
let jwksUrl: string;
let privateKey: CryptoKey;
let dir: { path: string; remove(): Promise<void> };
let platform: RunningPlatform;

const token = (claims: Record<string, unknown>) =>
  new SignJWT({ scope: 'orders:read', ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'idp-1' })
    .setSubject('partner-42')
    .setIssuedAt()
    .setExpirationTime('5m')
    .setJti(`jti-${Math.random()}`)
    .sign(privateKey);
const call = (t: string) => fetch(`${platform.url}/v1/orders`, { headers: { authorization: `Bearer ${t}` } });

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  privateKey = pair.privateKey;
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'idp-1', alg: 'ES256', use: 'sig' };
  jwksServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks`;
  dir = await makeTempDir();
  const trusted = JSON.stringify([{ issuer: ISSUER, audience: 'concord-partners', jwksUrl, plan: 'partner' }]);
  platform = await startPlatform(loadConfig({ PORT: '0', CONCORD_DATA_DIR: dir.path, CONCORD_TRUSTED_ISSUERS: trusted }, { root: REPO_ROOT }), createLogger({ level: 'silent' }));
});
afterAll(async () => {
  await platform?.close();
  await dir?.remove();
  await new Promise((r) => jwksServer?.close(r));
});

describe('trusted external issuers', () => {
  it('accept a token from the configured issuer and audience, rate-limited on its plan', async () => {
    const res = await call(await token({ iss: ISSUER, aud: 'concord-partners' }));
    expect(res.status).toBe(200); // authenticated, authorized and served
    expect(res.headers.get('ratelimit-policy')).toMatch(/^"partner";/);
  });

  it('refuse the issuer’s token for another audience, and its key vouching for Concord’s own issuer', async () => {
    expect((await call(await token({ iss: ISSUER, aud: 'someone-else' }))).status).toBe(401);
    expect((await call(await token({ iss: 'urn:concord:gateway', aud: 'urn:concord:api' }))).status).toBe(401);
  });

  it('refuse to start when an issuer names a plan that does not exist', async () => {
    const other = await makeTempDir();
    try {
      const trusted = JSON.stringify([{ issuer: ISSUER, audience: 'a', jwksUrl, plan: 'gold' }]);
      await expect(
        startPlatform(loadConfig({ PORT: '0', CONCORD_DATA_DIR: other.path, CONCORD_TRUSTED_ISSUERS: trusted }, { root: REPO_ROOT }), createLogger({ level: 'silent' })),
      ).rejects.toThrow(/names plan 'gold', which does not exist/);
    } finally {
      await other.remove();
    }
  });
});
