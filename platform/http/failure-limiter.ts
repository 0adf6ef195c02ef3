import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';

/** How many failed attempts a subject (an email, a client id) and a client address may make within the window. */
export interface FailureLimits {
  perSubject: number;
  perAddress: number;
  windowSeconds: number;
}

/**
 * Failure throttling for credential checks (portal sign-in, the OAuth token endpoint): an attempt takes one point
 * from the subject's and the address's budgets before the secret is checked, so concurrent guesses cannot all
 * slip past a check that only reads; a success gives its point back.
 */
export interface FailureLimiter {
  /** Seconds to wait when a budget is spent (nothing was taken then), or 0 to go ahead. */
  attempt(subject: string, address: string): Promise<number>;
  /** Only failures count: the subject starts afresh and the address gets its point back. */
  succeeded(subject: string, address: string): Promise<void>;
  /** Takes one from the address's budget for an attempt that is never given back (a portal sign-up). */
  spendAddress(address: string): Promise<number>;
}

const waitOf = (err: unknown): number => {
  // Over the limit, rate-limiter-flexible rejects with its result; anything else is a real failure.
  if (err instanceof RateLimiterRes) return Math.max(1, Math.ceil(err.msBeforeNext / 1000));
  throw err;
};

/**
 * Kept per instance in memory: with several gateways an attacker gets the budget once per instance, which bounds
 * the guessing rate but does not share it.
 */
export function createFailureLimiter(name: string, limits: FailureLimits): FailureLimiter {
  const bySubject: RateLimiterAbstract = new RateLimiterMemory({ keyPrefix: `${name}-subject`, points: limits.perSubject, duration: limits.windowSeconds });
  const byAddress: RateLimiterAbstract = new RateLimiterMemory({ keyPrefix: `${name}-addr`, points: limits.perAddress, duration: limits.windowSeconds });
  return {
    async attempt(subject, address) {
      const addressWait = await byAddress.consume(address).then(() => 0, waitOf);
      if (addressWait > 0) return addressWait;
      const subjectWait = await bySubject.consume(subject).then(() => 0, waitOf);
      // Refused for the subject: the address's point goes back, so one locked subject does not spend the address too.
      if (subjectWait > 0) await byAddress.reward(address, 1);
      return subjectWait;
    },
    async succeeded(subject, address) {
      await Promise.all([bySubject.delete(subject), byAddress.reward(address, 1)]);
    },
    spendAddress: (address) => byAddress.consume(address).then(() => 0, waitOf),
  };
}
