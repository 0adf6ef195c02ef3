/**
 * express-gateway@1.16.11 with its jwt, rate-limit and proxy policies, installed once into a cache dir outside
 * the repo (`$CONCORD_BENCH_CACHE`, default ~/.cache/concord-bench) and run as its own node process with its
 * config in a temp dir. Its jwt policy supports HS256/RS256 (not ES256): the bench uses HS256 with a shared secret.
 */
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { answers, freePort, startProcess, waitUntil } from './proc';
import type { Target } from './target';
import { ensureCachedPackages } from './npm-cache';

export const EXPRESS_GATEWAY_VERSION = '1.16.11';
const ISSUER = 'urn:concord:bench';
const AUDIENCE = 'urn:concord:api';

/** The installed package dir; `npm install express-gateway@1.16.11` into the cache on first use. */
export async function ensureExpressGateway(log: (msg: string) => void): Promise<string> {
  const dirs = await ensureCachedPackages('express-gateway', { 'express-gateway': EXPRESS_GATEWAY_VERSION }, log);
  return dirs['express-gateway'] as string;
}

export function gatewayConfig(port: number, upstreamUrl: string, secret: string): string {
  // JSON is YAML: no YAML writer needed, and nothing to escape by hand.
  return JSON.stringify(
    {
      http: { port, hostname: '127.0.0.1' },
      apiEndpoints: { orders: { host: '*', paths: ['/v2/orders', '/v2/orders/*'] } },
      serviceEndpoints: { upstream: { url: upstreamUrl } },
      policies: ['jwt', 'rate-limit', 'proxy'],
      pipelines: {
        orders: {
          apiEndpoints: ['orders'],
          policies: [
            { jwt: [{ action: { secretOrPublicKey: secret, checkCredentialExistence: false, issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] } }] },
            // Keyed by client IP, its default: one bucket on loopback, as Concord's one app. Keying by token
            // (`rateLimitBy: '\${req.user.sub}'`) evaluates a JS template per request and cost it a third of its
            // req/s when tried; the cheaper default is the generous choice. Far above any load here, and no
            // slow-down (delayAfter 0).
            { 'rate-limit': [{ action: { max: 1_000_000_000, windowMs: 60_000, delayAfter: 0 } }] },
            { proxy: [{ action: { serviceEndpoint: 'upstream', changeOrigin: true } }] },
          ],
        },
      },
    },
    null,
    2,
  );
}

/** Its system config: the in-memory Redis emulation (the rate-limit store), the rest as in its own templates. */
export const SYSTEM_CONFIG = JSON.stringify(
  {
    db: { redis: { emulate: true, namespace: 'EG' } },
    crypto: { cipherKey: randomBytes(16).toString('hex'), algorithm: 'aes256', saltRounds: 10 },
    session: { secret: randomBytes(16).toString('hex'), resave: false, saveUninitialized: false },
    accessTokens: { timeToExpiry: 7_200_000 },
    refreshTokens: { timeToExpiry: 7_200_000 },
    authorizationCodes: { timeToExpiry: 300_000 },
  },
  null,
  2,
);

export async function startExpressGateway(pkgDir: string, upstreamUrl: string): Promise<Target> {
  const dir = await mkdtemp(join(tmpdir(), 'concord-bench-eg-'));
  const port = await freePort();
  // A string secret (its jwt policy takes the configured string as UTF-8): 64 hex characters, 256 bits.
  const secret = randomBytes(32).toString('hex');
  try {
    await writeFile(join(dir, 'gateway.config.yml'), gatewayConfig(port, upstreamUrl, secret));
    await writeFile(join(dir, 'system.config.yml'), SYSTEM_CONFIG);
    // Its model schemas (users, applications, credentials) are read from the config dir: its own defaults.
    await cp(join(pkgDir, 'lib', 'config', 'models'), join(dir, 'models'), { recursive: true });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const token = await new SignJWT({ scope: 'orders:read orders:write' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('bench-app')
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(secret));
  // Its own launcher (`require('express-gateway')().load(dir).run()`), without the admin API (no admin section),
  // logging errors only, and with no HTTP proxy variables (its proxy policy would route through them).
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(https?_proxy|no_proxy)$/i.test(k)));
  const script = `require(${JSON.stringify(pkgDir)})().load(${JSON.stringify(dir)}).run();`;
  const proc = startProcess('express-gateway', process.execPath, ['-e', script], { env: { ...env, LOG_LEVEL: 'error', NODE_ENV: 'production' }, cwd: dir });
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitUntil(
      'an authorised answer from the upstream',
      async () => (await answers(`${baseUrl}/v2/orders/ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3`, { headers: { authorization: `Bearer ${token}` } })).status === 200,
      proc,
      60_000,
    );
  } catch (err) {
    await proc.stop();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const version = await readFile(join(pkgDir, 'package.json'), 'utf8').then((s) => (JSON.parse(s) as { version: string }).version);
  return {
    key: 'express-gateway',
    label: `express-gateway ${version}`,
    baseUrl,
    token: async () => token,
    proc,
    version,
    notes: [
      'jwt (HS256, shared secret, issuer and audience checked; its jwt policy offers HS*/RS*, not ES256), rate-limit (its default key, the client IP: one bucket here; in-memory Redis emulation; never reached), proxy (keep-alive agent)',
      'no request validation and no idempotency: express-gateway has no such policies',
    ],
    async stop() {
      await proc.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
