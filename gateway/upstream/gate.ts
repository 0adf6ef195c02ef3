/**
 * The admission gate of one catalogue upstream: at most `maxInFlight` calls at once and, with a rate cap, at most
 * `perSecond` started per second (token bucket of `burst`). A call beyond either waits in a FIFO queue for at
 * most `maxWaitMs`; then it is refused and the proxy answers 503 with Retry-After. This is what keeps a burst of
 * partner traffic from reaching an ERP all at once.
 */
export interface GateOptions {
  maxInFlight: number;
  rateLimit?: { perSecond: number; burst: number };
  maxWaitMs: number;
  now?: () => number;
}

export interface Gate {
  /** `true` at once when a slot is free (no promise on the hot path); otherwise a promise of whether one came in time. */
  acquire(): true | Promise<boolean>;
  /** Gives the slot back; every acquire that got `true` releases exactly once. */
  release(): void;
  readonly inFlight: number;
  readonly queued: number;
  /** Refuses whatever still waits (shutdown). */
  close(): void;
}

interface Waiter {
  resolve(admitted: boolean): void;
  timer: NodeJS.Timeout;
}

export function createGate(options: GateOptions): Gate {
  const now = options.now ?? Date.now;
  const rate = options.rateLimit;
  let inFlight = 0;
  let tokens = rate?.burst ?? 0;
  let refilledAt = now();
  const queue: Waiter[] = [];
  let wake: NodeJS.Timeout | undefined;

  const takeToken = (): boolean => {
    if (!rate) return true;
    const t = now();
    tokens = Math.min(rate.burst, tokens + ((t - refilledAt) / 1000) * rate.perSecond);
    refilledAt = t;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };

  const drain = (): void => {
    while (queue.length && inFlight < options.maxInFlight) {
      if (!takeToken()) {
        // No token yet: look again when the next one is due, unless a release comes first.
        if (!wake) {
          const dueMs = Math.max(1, Math.ceil(((1 - tokens) / rate!.perSecond) * 1000));
          wake = setTimeout(() => {
            wake = undefined;
            drain();
          }, dueMs);
          wake.unref();
        }
        return;
      }
      const waiter = queue.shift()!;
      clearTimeout(waiter.timer);
      inFlight += 1;
      waiter.resolve(true);
    }
  };

  return {
    acquire() {
      if (queue.length === 0 && inFlight < options.maxInFlight && takeToken()) {
        inFlight += 1;
        return true;
      }
      if (options.maxWaitMs === 0) return Promise.resolve(false);
      return new Promise<boolean>((resolve) => {
        const waiter: Waiter = {
          resolve,
          timer: setTimeout(() => {
            const i = queue.indexOf(waiter);
            if (i >= 0) queue.splice(i, 1);
            resolve(false);
          }, options.maxWaitMs),
        };
        queue.push(waiter);
        drain();
      });
    },
    release() {
      inFlight -= 1;
      drain();
    },
    get inFlight() {
      return inFlight;
    },
    get queued() {
      return queue.length;
    },
    close() {
      if (wake) clearTimeout(wake);
      for (const w of queue.splice(0)) {
        clearTimeout(w.timer);
        w.resolve(false);
      }
    },
  };
}
