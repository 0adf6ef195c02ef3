import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { CheckLimiter } from './check-limiter';
import type { SecretHasher } from './secrets';
import { createScryptHasher } from './secrets';

/**
 * Client secrets and API keys at rest as `hmac-sha256$<pepper id>$<digest>`: HMAC-SHA-256 keyed with a server
 * pepper derived from the master key (ADR 0011). They are 256-bit random values, so a slow hash adds nothing
 * against guessing; the pepper keeps a stolen table useless without the key, and a check costs microseconds on
 * the event loop instead of 85 ms of scrypt on libuv's four-thread pool.
 *
 * Hashes written before (`scrypt$…`) keep verifying through `legacy`, behind the check limiter, and
 * `needsRehash` tells the registry to replace them after a successful use.
 */
export type PepperedHasher = Required<SecretHasher>;

const SCHEME = 'hmac-sha256';
/** Names the derivation, so a future pepper (another master key) can live next to this one's hashes. */
const PEPPER_ID = 'p1';

/** The pepper: a subkey of the master key, so the key that seals signing keys never hashes anything itself. */
export function derivePepper(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'concord credential pepper v1', 32));
}

export function createPepperedHasher(opts: { pepper: Buffer; legacy?: SecretHasher; limiter?: CheckLimiter }): PepperedHasher {
  const legacy = opts.legacy ?? createScryptHasher();
  const digest = (secret: string) => createHmac('sha256', opts.pepper).update(secret).digest();
  return {
    async hash(secret) {
      return `${SCHEME}$${PEPPER_ID}$${digest(secret).toString('base64url')}`;
    },
    async verify(secret, stored) {
      if (!stored.startsWith(`${SCHEME}$`)) {
        return opts.limiter ? opts.limiter.run(() => legacy.verify(secret, stored)) : legacy.verify(secret, stored);
      }
      const [, pepperId, encoded] = stored.split('$');
      const expected = Buffer.from(encoded ?? '', 'base64url');
      if (pepperId !== PEPPER_ID || expected.length !== 32) throw new Error('stored secret hash is not in the hmac-sha256$p1$digest format');
      return timingSafeEqual(digest(secret), expected);
    },
    needsRehash: (stored) => !stored.startsWith(`${SCHEME}$${PEPPER_ID}$`),
  };
}
