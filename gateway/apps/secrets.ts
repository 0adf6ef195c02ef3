import { createHash, scrypt, timingSafeEqual } from 'node:crypto';
import { randomAlphanumeric, randomBytesAsync } from './ids';

/**
 * Client secrets and API keys: 32 random bytes (256 bits) in base64url behind a recognisable prefix, so a leaked
 * one is easy to spot in logs and by secret scanners. An API key also carries its key id (`ck_<id>_<secret>`),
 * so verification finds its one row by primary key instead of trying every stored hash.
 */
const SECRET_BYTES = 32;
const API_KEY_ID_LENGTH = 12;
const API_KEY_RE = /^ck_([0-9A-Za-z]{8,40})_([A-Za-z0-9_-]{43})$/;

export async function generateClientSecret(): Promise<string> {
  return `cs_${(await randomBytesAsync(SECRET_BYTES)).toString('base64url')}`;
}

export interface GeneratedApiKey {
  keyId: string;
  apiKey: string;
  /** The key's public part (`ck_<id>`), at most 16 characters as ApiKeySummary.prefix requires. */
  prefix: string;
}

export async function generateApiKey(): Promise<GeneratedApiKey> {
  const id = await randomAlphanumeric(API_KEY_ID_LENGTH);
  const secret = (await randomBytesAsync(SECRET_BYTES)).toString('base64url');
  return { keyId: `ak_${id}`, apiKey: `ck_${id}_${secret}`, prefix: `ck_${id}` };
}

/** The key id an API key names, or undefined when it is not shaped like one (no database lookup needed). */
export function apiKeyIdOf(apiKey: string): string | undefined {
  const m = API_KEY_RE.exec(apiKey);
  return m ? `ak_${m[1]}` : undefined;
}

/** Hashes secrets for storage and checks a presented secret against a stored hash. */
export interface SecretHasher {
  hash(secret: string): Promise<string>;
  /** Throws on a stored value it cannot read: failing every login silently would hide the corruption. */
  verify(secret: string, stored: string): Promise<boolean>;
  /** True for a stored hash of an older scheme, which the registry replaces after a successful check. */
  needsRehash?(stored: string): boolean;
}

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
}

/**
 * N=2^14, r=8, p=1 (16 MB, about 85 ms on the 2-core CI machine). These secrets have 256 bits of entropy, so the
 * cost is defence in depth against a stolen table, not what keeps them from being guessed; a password-grade
 * 2^17 would only make every cache miss on the token endpoint 8 times dearer.
 */
export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 16_384, r: 8, p: 1 });

const SALT_BYTES = 16;
const KEY_BYTES = 32;

function scryptAsync(secret: string, salt: Buffer, keyLength: number, { N, r, p }: ScryptParams): Promise<Buffer> {
  // Node's default maxmem (32 MB) is just enough for the defaults; leave headroom for stored higher costs.
  const maxmem = 256 * N * r * p;
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, keyLength, { N, r, p, maxmem }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

const isPowerOfTwo = (n: number) => Number.isInteger(n) && n > 1 && (n & (n - 1)) === 0;

/** Reads `scrypt$N$r$p$salt$hash`; bounds the costs so a tampered row cannot make verification allocate gigabytes. */
function parseStored(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } {
  const parts = stored.split('$');
  const [scheme, n, r, p, salt, key] = parts;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  const ok =
    parts.length === 6 &&
    scheme === 'scrypt' &&
    isPowerOfTwo(params.N) &&
    params.N <= 2 ** 20 &&
    Number.isInteger(params.r) && params.r >= 1 && params.r <= 32 &&
    Number.isInteger(params.p) && params.p >= 1 && params.p <= 16 &&
    salt !== undefined && key !== undefined;
  if (!ok) throw new Error('stored secret hash is not in the scrypt$N$r$p$salt$hash format');
  const saltBuf = Buffer.from(salt, 'base64url');
  const keyBuf = Buffer.from(key, 'base64url');
  if (saltBuf.length < 8 || keyBuf.length < 16 || keyBuf.length > 64) throw new Error('stored secret hash has a bad salt or key length');
  return { params, salt: saltBuf, key: keyBuf };
}

/**
 * scrypt with a random salt per secret, stored self-describing as `scrypt$N$r$p$salt$hash` so the costs can be
 * raised later without invalidating existing hashes. Always the async scrypt: it runs on libuv's thread pool
 * instead of blocking the event loop for every verification.
 */
export function createScryptHasher(params: ScryptParams = DEFAULT_SCRYPT_PARAMS): SecretHasher {
  if (!isPowerOfTwo(params.N)) throw new Error('scrypt N must be a power of two');
  return {
    async hash(secret) {
      const salt = await randomBytesAsync(SALT_BYTES);
      const key = await scryptAsync(secret, salt, KEY_BYTES, params);
      return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
    },
    async verify(secret, stored) {
      const { params: storedParams, salt, key } = parseStored(stored);
      const candidate = await scryptAsync(secret, salt, key.length, storedParams);
      return timingSafeEqual(candidate, key);
    },
  };
}

/**
 * The verification cache's key: a fast one-way digest, so the cache never holds a presented secret in plain text.
 * `kind` and `scope` keep a client secret presented for one client from matching a cache entry of another.
 */
export function fingerprint(kind: 'client-secret' | 'api-key', scope: string, secret: string): string {
  return createHash('sha256').update(kind).update('\0').update(scope).update('\0').update(secret).digest('base64url');
}
