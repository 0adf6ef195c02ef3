/** How far the workers' polling backs off when idle, unless a caller fixed the interval (issue 18, point 6). */
export const IDLE_BACKOFF_MAX_MS = 5_000;

export interface BackgroundLoopOptions {
  /** The wait after a pass that found nothing to do. */
  intervalMs: number;
  /**
   * Idle back-off: each further pass that finds nothing doubles the wait, up to this (default `intervalMs`: no
   * back-off). Work done or `wake()` starts again from `intervalMs`. Whoever writes work this loop waits for wakes
   * it (in process, or through a NOTIFY on PostgreSQL: wake-notifications.ts), so backing off only slows the
   * discovery of work nobody announced (retries falling due, another system's feed).
   */
  maxIntervalMs?: number;
  onError: (err: unknown) => void;
}

/**
 * Runs `pass` repeatedly: again at once while it reports work done, otherwise after the current interval or when
 * woken. `stop()` waits for the running pass, so shutdown never cuts a pass in half.
 */
export function createBackgroundLoop(pass: () => Promise<number>, opts: BackgroundLoopOptions) {
  const maxIntervalMs = Math.max(opts.intervalMs, opts.maxIntervalMs ?? opts.intervalMs);
  let running = false;
  let current: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let wakeUp: (() => void) | undefined;
  let woken = false;
  let wait = opts.intervalMs;

  const loop = async () => {
    while (running) {
      woken = false;
      let busy = 0;
      try {
        busy = await pass();
      } catch (err) {
        opts.onError(err);
      }
      if (!running) break;
      // Work done, or work announced while the pass ran (which it may have missed): look again at once.
      if (busy > 0 || woken) {
        wait = opts.intervalMs;
        continue;
      }
      const ms = wait;
      wait = Math.min(maxIntervalMs, wait * 2);
      await new Promise<void>((resolve) => {
        wakeUp = resolve;
        timer = setTimeout(resolve, ms);
        timer.unref();
      });
      wakeUp = undefined;
    }
  };

  return {
    start() {
      if (running) return;
      running = true;
      current = loop();
    },
    wake() {
      woken = true;
      wait = opts.intervalMs;
      wakeUp?.();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      wakeUp?.();
      await current;
    },
  };
}
