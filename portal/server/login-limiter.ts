import { createFailureLimiter } from '../../platform/http/failure-limiter';

/** As the contract says: 5 failures per email, or 20 per client address, within 15 minutes. */
export const LOGIN_LIMITS = Object.freeze({ perEmail: 5, perAddress: 20, windowSeconds: 15 * 60 });

export interface LoginLimiter {
  /**
   * Takes one attempt from the email's and the address's budgets before the password is checked. Returns the
   * seconds to wait when a budget is spent (nothing was taken then), or 0 to go ahead.
   */
  attempt(email: string, address: string): Promise<number>;
  /** A sign-in that succeeded gives its attempt back: only failures count, and the email starts afresh. */
  succeeded(email: string, address: string): Promise<void>;
  /** Takes one from the address's budget for a sign-up, which is not given back: each one creates an organisation. */
  signUp(address: string): Promise<number>;
}

/** Per instance in memory (see createFailureLimiter); the scrypt cost per password guess keeps it slow anyway. */
export function createLoginLimiter(limits = LOGIN_LIMITS): LoginLimiter {
  const limiter = createFailureLimiter('login', { perSubject: limits.perEmail, perAddress: limits.perAddress, windowSeconds: limits.windowSeconds });
  return { attempt: limiter.attempt, succeeded: limiter.succeeded, signUp: limiter.spendAddress };
}
