import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';

/** As the contract says: 5 failures per email, or 20 per client address, within 15 minutes. */
export const LOGIN_LIMITS = Object.freeze({ perEmail: 5, perAddress: 20, windowSeconds: 15 * 60 });

export interface LoginLimiter {
  /**
   * Takes one attempt from the email's and the address's budgets before the password is checked, so concurrent
   * guesses cannot all slip past a check that only reads. Returns the seconds to wait when a budget is spent
   * (nothing was taken then), or 0 to go ahead.
   */
  attempt(email: string, address: string): Promise<number>;
  /** A sign-in that succeeded gives its attempt back: only failures count, and the email starts afresh. */
  succeeded(email: string, address: string): Promise<void>;
  /** Takes one from the address's budget for a sign-up, which is not given back: each one creates an organisation. */
  signUp(address: string): Promise<number>;
}

const waitOf = (err: unknown): number => {
  // Over the limit, rate-limiter-flexible rejects with its result; anything else is a real failure.
  if (err instanceof RateLimiterRes) return Math.max(1, Math.ceil(err.msBeforeNext / 1000));
  throw err;
};

/**
 * Kept per instance in memory: with several gateways an attacker gets the budget once per instance, which the
 * scrypt cost per guess still makes slow.
 */
export function createLoginLimiter(limits = LOGIN_LIMITS): LoginLimiter {
  const byEmail: RateLimiterAbstract = new RateLimiterMemory({ keyPrefix: 'login-email', points: limits.perEmail, duration: limits.windowSeconds });
  const byAddress: RateLimiterAbstract = new RateLimiterMemory({ keyPrefix: 'login-addr', points: limits.perAddress, duration: limits.windowSeconds });
  return {
    async attempt(email, address) {
      const addressWait = await byAddress.consume(address).then(() => 0, waitOf);
      if (addressWait > 0) return addressWait;
      const emailWait = await byEmail.consume(email).then(() => 0, waitOf);
      // Refused for the email: the address's point goes back, so one locked email does not spend the address too.
      if (emailWait > 0) await byAddress.reward(address, 1);
      return emailWait;
    },
    async succeeded(email, address) {
      await Promise.all([byEmail.delete(email), byAddress.reward(address, 1)]);
    },
    async signUp(address) {
      return byAddress.consume(address).then(() => 0, waitOf);
    },
  };
}
