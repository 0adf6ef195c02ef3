/**
 * Bounds the expensive secret checks (legacy scrypt hashes) running at once. libuv has four threads for all of
 * crypto, DNS and file I/O; a flood of wrong secrets used to queue every other request behind them. Beyond
 * `maxConcurrent` running and `maxQueued` waiting, a check is refused at once (`CheckBusyError`), which the token
 * endpoint and authentication answer as 503 with Retry-After rather than waiting.
 */
export interface CheckLimiter {
  run<T>(check: () => Promise<T>): Promise<T>;
  readonly active: number;
  readonly queued: number;
}

export class CheckBusyError extends Error {
  readonly code = 'CONCORD_CHECK_BUSY';
  constructor() {
    super('too many secret checks in progress');
  }
}

export function createCheckLimiter({ maxConcurrent = 2, maxQueued = 8 }: { maxConcurrent?: number; maxQueued?: number } = {}): CheckLimiter {
  let active = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    active--;
    const next = waiting.shift();
    if (next) {
      active++;
      next();
    }
  };
  return {
    async run(check) {
      if (active >= maxConcurrent) {
        if (waiting.length >= maxQueued) throw new CheckBusyError();
        await new Promise<void>((resolve) => waiting.push(resolve));
      } else active++;
      try {
        return await check();
      } finally {
        release();
      }
    },
    get active() {
      return active;
    },
    get queued() {
      return waiting.length;
    },
  };
}
