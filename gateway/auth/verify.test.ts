import { createPublicKey, randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CryptoKey, JWTPayload } from 'jose';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import type { Database } from '../../platform/db/database';
import { migrate } from '../../platform/db/migrate';
import { openPglite } from '../../platform/db/pglite';
import { makeTempDir } from '../../platform/testing/temp-dir';
import { authMigrations } from './migrations';
import type { SigningKeyStore } from './signing-keys';
import { createSigningKeyStore } from './signing-keys';
import type { RejectionReason } from './token-rejected';
import { IssuerKeysUnavailable, TokenRejected } from './token-rejected';
import { createTokenIssuer } from './tokens';
import type { TokenVerifierOptions } from './verify';
import { createTokenVerifier } from './verify';

const ISSUER = 'http://127.0.0.1:8080';
const AUDIENCE = 'concord';
const T0 = new Date('2030-01-01T00:00:00Z');
const T0_SECONDS = T0.getTime() / 1000;

let db: Database;
let removeDir: () => Promise<void>;
let keys: SigningKeyStore;
let clock: Date;
const now = () => clock;
const at = (offsetSeconds: number) => () => new Date(T0.getTime() + offsetSeconds * 1000);

// One PGlite for the whole file: it takes seconds to start, and these tests only read the key store.
beforeAll(async () => {
  const dir = await makeTempDir();
  removeDir = dir.remove;
  db = await openPglite(dir.path);
  await migrate(db, authMigrations);
  keys = createSigningKeyStore({ db, masterKey: randomBytes(32), now: () => clock });
  clock = T0;
  await keys.ensureActiveKey();
});
afterAll(async () => {
  await db?.close();
  await removeDir?.();
});
beforeEach(() => {
  clock = T0;
});

const verifierWith = (over: Partial<TokenVerifierOptions> = {}) => createTokenVerifier({ keys, issuer: ISSUER, audience: AUDIENCE, now, ...over });
const issue = (over: { issuer?: string; audience?: string; now?: () => Date } = {}, scopes = ['orders:read']) =>
  createTokenIssuer({ keys, issuer: ISSUER, audience: AUDIENCE, now, ...over })
    .issue({ clientId: 'app_test', scopes })
    .then((t) => t.access_token);

/** A token signed with the store's real private key, with whatever claims an attacker could not otherwise get signed. */
async function signWithOurKey(claims: JWTPayload, build: (jwt: SignJWT) => SignJWT = (j) => j): Promise<string> {
  const { kid, privateKey } = await keys.activeKey();
  return build(new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })).sign(privateKey);
}

const validClaims = (): JWTPayload => ({ iss: ISSUER, aud: AUDIENCE, sub: 'app_test', scope: 'orders:read', iat: T0_SECONDS, exp: T0_SECONDS + 900, jti: 'jti_1' });

async function rejection(promise: Promise<unknown>): Promise<RejectionReason> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof TokenRejected)) throw new Error(`expected a TokenRejected, got ${String(err)}`);
  return err.reason;
}

describe('issue → verify', () => {
  it('round-trips every claim', async () => {
    const issued = await createTokenIssuer({ keys, issuer: ISSUER, audience: AUDIENCE, now }).issue({
      clientId: 'app_sandbox01',
      partnerId: 'partner_acme',
      scopes: ['orders:read', 'orders:write', 'orders:read'],
    });
    expect(issued).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900, scope: 'orders:read orders:write' });

    const { kid } = await keys.activeKey();
    expect(decodeProtectedHeader(issued.access_token)).toEqual({ alg: 'ES256', kid, typ: 'JWT' });
    const claims = decodeJwt(issued.access_token);
    expect(claims).toEqual({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'app_sandbox01',
      scope: 'orders:read orders:write',
      partner: 'partner_acme',
      iat: T0_SECONDS,
      exp: T0_SECONDS + 900,
      jti: expect.stringMatching(/^jti_[0-9A-Z]{26}$/),
    });

    await expect(verifierWith().verify(issued.access_token)).resolves.toEqual({
      clientId: 'app_sandbox01',
      partnerId: 'partner_acme',
      scopes: ['orders:read', 'orders:write'],
      exp: T0_SECONDS + 900,
      jti: claims.jti,
      issuer: ISSUER,
    });
  });

  it('leaves partnerId out when the app has no partner, and gives each token its own jti', async () => {
    const [a, b] = [await issue({}, []), await issue({}, [])];
    expect(decodeJwt(a)).not.toHaveProperty('partner');
    expect(decodeJwt(a).jti).not.toBe(decodeJwt(b).jti);
    const verified = await verifierWith().verify(a);
    expect(verified).not.toHaveProperty('partnerId');
    expect(verified.scopes).toEqual([]);
  });

  it('refuses scopes that would not survive the space-separated claim, and a TTL longer than the key window allows', async () => {
    const issuer = createTokenIssuer({ keys, issuer: ISSUER, audience: AUDIENCE, now });
    await expect(issuer.issue({ clientId: 'app', scopes: ['orders:read orders:write'] })).rejects.toThrow(/invalid scope/);
    expect(() => createTokenIssuer({ keys, issuer: ISSUER, audience: AUDIENCE, ttlSeconds: 3600 })).toThrow(/exceeds the key store's token TTL/);
  });
});

describe('JWT attacks are rejected with their reason', () => {
  it('alg: none (unsigned)', async () => {
    const token = new UnsecuredJWT(validClaims()).encode();
    expect(await rejection(verifierWith().verify(token))).toBe('alg-not-allowed');
  });

  it('HS256 signed with our public key as the secret', async () => {
    const [jwk] = (await keys.publicJwks()).keys;
    const pem = createPublicKey({ key: { ...jwk }, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    for (const secret of [Buffer.from(pem), Buffer.from(JSON.stringify(jwk))]) {
      const token = await new SignJWT(validClaims()).setProtectedHeader({ alg: 'HS256', kid: jwk?.kid, typ: 'JWT' }).sign(secret);
      expect(await rejection(verifierWith().verify(token))).toBe('alg-not-allowed');
    }
  });

  it('a foreign ES256 key reusing our kid', async () => {
    const { kid } = await keys.activeKey();
    const foreign = await generateKeyPair('ES256');
    const token = await new SignJWT(validClaims()).setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' }).sign(foreign.privateKey);
    expect(await rejection(verifierWith().verify(token))).toBe('bad-signature');
  });

  it('a kid we never issued, and garbage', async () => {
    const foreign = await generateKeyPair('ES256');
    const token = await new SignJWT(validClaims()).setProtectedHeader({ alg: 'ES256', kid: 'sig_nope' }).sign(foreign.privateKey);
    expect(await rejection(verifierWith().verify(token))).toBe('unknown-key');
    expect(await rejection(verifierWith().verify('not.a.jwt'))).toBe('malformed');
    expect(await rejection(verifierWith().verify('abc'))).toBe('malformed');
    expect(await rejection(verifierWith().verify(''))).toBe('malformed');
  });

  it('expired', async () => {
    expect(await rejection(verifierWith().verify(await issue({ now: at(-3600) })))).toBe('expired');
  });

  it('nbf in the future', async () => {
    const token = await signWithOurKey({ ...validClaims(), nbf: T0_SECONDS + 60 });
    expect(await rejection(verifierWith().verify(token))).toBe('not-yet-valid');
  });

  it('wrong iss, signed with our own key', async () => {
    expect(await rejection(verifierWith().verify(await issue({ issuer: 'https://evil.example' })))).toBe('wrong-issuer');
  });

  it('wrong aud', async () => {
    expect(await rejection(verifierWith().verify(await issue({ audience: 'someone-else' })))).toBe('wrong-audience');
  });

  it('no exp, and each other required claim missing', async () => {
    for (const claim of ['exp', 'iat', 'sub', 'jti', 'iss', 'aud']) {
      const claims = validClaims();
      delete claims[claim];
      expect([claim, await rejection(verifierWith().verify(await signWithOurKey(claims)))]).toEqual([claim, 'missing-claim']);
    }
  });

  it('a claim of the wrong type', async () => {
    expect(await rejection(verifierWith().verify(await signWithOurKey({ ...validClaims(), exp: 'tomorrow' as unknown as number })))).toBe('malformed');
    expect(await rejection(verifierWith().verify(await signWithOurKey({ ...validClaims(), scope: ['orders:read'] })))).toBe('malformed');
  });

  it('a 64 KB token, before any parsing or signature check', async () => {
    const verifier = verifierWith();
    const token = await signWithOurKey({ ...validClaims(), padding: 'x'.repeat(64 * 1024) });
    expect(token.length).toBeGreaterThan(64 * 1024);
    expect(await rejection(verifier.verify(token))).toBe('too-large');
    expect(await rejection(verifier.verify('%'.repeat(64 * 1024)))).toBe('too-large');
    expect(verifier.stats().signatureChecks).toBe(0);
  });
});

describe('clock tolerance', () => {
  it('accepts a token expired 3 s ago with 5 s tolerance, not one expired 10 s ago', async () => {
    const verifier = verifierWith({ clockToleranceSeconds: 5 });
    await expect(verifier.verify(await issue({ now: at(-903) }))).resolves.toMatchObject({ exp: T0_SECONDS - 3 });
    expect(await rejection(verifier.verify(await issue({ now: at(-910) })))).toBe('expired');
  });

  it('accepts nbf 3 s ahead, not 10 s ahead', async () => {
    await expect(verifierWith().verify(await signWithOurKey({ ...validClaims(), nbf: T0_SECONDS + 3 }))).resolves.toBeDefined();
    expect(await rejection(verifierWith().verify(await signWithOurKey({ ...validClaims(), nbf: T0_SECONDS + 10 })))).toBe('not-yet-valid');
  });
});

describe('verified-token cache', () => {
  it('checks a signature once per token until the token expires', async () => {
    const verifier = verifierWith();
    const token = await issue();
    const first = await verifier.verify(token);
    expect(await verifier.verify(token)).toEqual(first);
    expect(await verifier.verify(token)).toEqual(first);
    expect(verifier.stats()).toEqual({ signatureChecks: 1, cacheHits: 2, cachedTokens: 1 });

    clock = new Date(T0.getTime() + 900 * 1000 + 10_000);
    expect(await rejection(verifier.verify(token))).toBe('expired');
    expect(verifier.stats()).toEqual({ signatureChecks: 2, cacheHits: 2, cachedTokens: 0 });
  });

  it('holds at most cacheSize tokens, least recently used out first', async () => {
    const verifier = verifierWith({ cacheSize: 2 });
    const [a, b, c] = [await issue({}, ['a']), await issue({}, ['b']), await issue({}, ['c'])];
    await verifier.verify(a);
    await verifier.verify(b);
    await verifier.verify(a); // a is now the most recent, so c pushes b out
    await verifier.verify(c);
    expect(verifier.stats()).toMatchObject({ signatureChecks: 3, cacheHits: 1, cachedTokens: 2 });
    await verifier.verify(a);
    expect(verifier.stats().signatureChecks).toBe(3);
    await verifier.verify(b);
    expect(verifier.stats().signatureChecks).toBe(4);
  });

  it('never caches a rejection', async () => {
    const verifier = verifierWith();
    const token = await issue({ audience: 'someone-else' });
    await rejection(verifier.verify(token));
    await rejection(verifier.verify(token));
    expect(verifier.stats()).toEqual({ signatureChecks: 2, cacheHits: 0, cachedTokens: 0 });
  });
});

describe('trusted external issuer', () => {
  const EXTERNAL = 'https://idp.example';
  let server: Server;
  let jwksUrl: string;
  let external: { privateKey: CryptoKey };
  let jwksRequests = 0;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    external = pair;
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'ext-1', alg: 'ES256', use: 'sig' }] });
    server = createServer((req, res) => {
      jwksRequests++;
      if (req.url !== '/jwks.json') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const externalToken = (claims: JWTPayload, kid = 'ext-1', key: CryptoKey = external.privateKey) =>
    new SignJWT({ iss: EXTERNAL, aud: 'concord-ext', sub: 'ext_client', scope: 'orders:read', iat: T0_SECONDS, exp: T0_SECONDS + 300, jti: 'ext_1', ...claims })
      .setProtectedHeader({ alg: 'ES256', kid })
      .sign(key);

  it('verifies its tokens against its JWKS, and enforces its audience', async () => {
    const verifier = verifierWith({ trustedIssuers: [{ issuer: EXTERNAL, audience: 'concord-ext', jwksUrl }] });
    await expect(verifier.verify(await externalToken({}))).resolves.toEqual({
      clientId: 'ext_client',
      scopes: ['orders:read'],
      exp: T0_SECONDS + 300,
      jti: 'ext_1',
      issuer: EXTERNAL,
    });
    expect(await rejection(verifier.verify(await externalToken({ aud: AUDIENCE })))).toBe('wrong-audience');
    // Our own tokens still verify beside it.
    await expect(verifier.verify(await issue())).resolves.toMatchObject({ issuer: ISSUER });
    // The key set is fetched once and kept.
    expect(jwksRequests).toBe(1);
  });

  it('does not let our keys vouch for the external issuer, nor its keys for us', async () => {
    const verifier = verifierWith({ trustedIssuers: [{ issuer: EXTERNAL, audience: 'concord-ext', jwksUrl }] });
    const ours = await keys.activeKey();
    expect(await rejection(verifier.verify(await externalToken({}, ours.kid, ours.privateKey)))).toBe('unknown-key');
    expect(await rejection(verifier.verify(await externalToken({ iss: ISSUER, aud: AUDIENCE })))).toBe('unknown-key');
    expect(await rejection(verifier.verify(await externalToken({ iss: ISSUER, aud: AUDIENCE }, ours.kid)))).toBe('bad-signature');
  });

  it('reports an unreachable key set as unavailable, not as a bad token', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const verifier = verifierWith({ trustedIssuers: [{ issuer: EXTERNAL, audience: 'concord-ext', jwksUrl: `http://127.0.0.1:${port}/jwks.json` }] });
    await expect(verifier.verify(await externalToken({}))).rejects.toBeInstanceOf(IssuerKeysUnavailable);
  });

  it('refuses a JWKS URL in clear outside loopback', () => {
    expect(() => verifierWith({ trustedIssuers: [{ issuer: EXTERNAL, audience: 'x', jwksUrl: 'http://idp.example/jwks.json' }] })).toThrow(/must use https/);
  });
});
