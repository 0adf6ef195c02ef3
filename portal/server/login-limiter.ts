import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';

/** As the contract says: 5 failures per email, or 20 per client address, within 15 minutes. */
export const LOGIN_LIMITS = Object.freeze({ perEmail: 5, perAddress: 20, windowSeconds: 15 * 60 });

export interface LoginLimiter {
  /** Seconds to wait when sign-in is locked for this email or address; 0 when an attempt may go ahead. */
  lockedFor(email: string, address: string): Promise<number>;
  failed(email: string, address: string): Promise<void>;
  /** A successful sign-in clears the email's failures (not the address's: one address may try many emails). */
  succeeded(email: string): Promise<void>;
}

/**
 * Counts failed sign-ins, not attempts, so a user who types the password right is never slowed down. Kept per
 * instance in memory: with several gateways an attacker gets the budget once per instance, which the scrypt cost
 * per guess still makes slow.
 */
export function createLoginLimiter(limits = LOGIN_LIMITS): LoginLimiter {
  const byEmail: RateLimiterAbstract = new RateLimiterMemory({ keyPrefix: 'login-email', points: limits.perEmail, duration: limits.windowSeconds });
  const byAddress: RateLimiterAbstract = new RateLimiterMemory({ keyPrefix: 'login-addr', points: limits.perAddress, duration: limits.windowSeconds });
  const waitOf = async (limiter: RateLimiterAbstract, key: string, points: number) => {
    const res = await limiter.get(key);
    return res && res.consumedPoints >= points ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 0;
  };
  // Consuming past the limit rejects with the limiter's result; the count is what matters here, so that is fine.
  const count = (limiter: RateLimiterAbstract, key: string) => limiter.consume(key).then(() => undefined, () => undefined);
  return {
    async lockedFor(email, address) {
      return Math.max(await waitOf(byEmail, email, limits.perEmail), await waitOf(byAddress, address, limits.perAddress));
    },
    async failed(email, address) {
      await Promise.all([count(byEmail, email), count(byAddress, address)]);
    },
    async succeeded(email) {
      await byEmail.delete(email);
    },
  };
}
