import type { Redis } from 'ioredis';

/** Deletes the lock only if it still holds this claim's value: a late holder never releases someone else's claim. */
const RELEASE_IF_HELD = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/**
 * The in-flight claims in Redis, shared by every gateway instance. One string key per (app, idempotency key),
 * set with NX and a PX expiry: the expiry is what frees the key when the holder crashes. The value is the claim's
 * token, which carries the request fingerprint so a conflicting request can be told apart from a retry.
 */
export interface RedisLock {
  /** True when this claim now holds the lock. */
  acquire(clientId: string, key: string, token: string): Promise<boolean>;
  /** The current holder's token, if any. */
  holder(clientId: string, key: string): Promise<string | undefined>;
  /** Releases the lock if `token` still holds it; true when it did. */
  release(clientId: string, key: string, token: string): Promise<boolean>;
}

export function createRedisLock(redis: Redis, keyPrefix: string, lockMs: number): RedisLock {
  // The client id is URI-encoded so it cannot contain ':'; the idempotency key is the rest, whatever it contains.
  const lockKey = (clientId: string, key: string) => `${keyPrefix}:${encodeURIComponent(clientId)}:${key}`;
  return {
    async acquire(clientId, key, token) {
      return (await redis.set(lockKey(clientId, key), token, 'PX', lockMs, 'NX')) === 'OK';
    },
    async holder(clientId, key) {
      return (await redis.get(lockKey(clientId, key))) ?? undefined;
    },
    async release(clientId, key, token) {
      return (await redis.eval(RELEASE_IF_HELD, 1, lockKey(clientId, key), token)) === 1;
    },
  };
}
