/**
 * Runs `pass` repeatedly: again at once while it reports work done, otherwise after `intervalMs` or when woken.
 * `stop()` waits for the running pass, so shutdown never cuts a pass in half.
 */
export function createBackgroundLoop(pass: () => Promise<number>, opts: { intervalMs: number; onError: (err: unknown) => void }) {
  let running = false;
  let current: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let wakeUp: (() => void) | undefined;

  const loop = async () => {
    while (running) {
      let busy = 0;
      try {
        busy = await pass();
      } catch (err) {
        opts.onError(err);
      }
      if (!running) break;
      if (busy > 0) continue;
      await new Promise<void>((resolve) => {
        wakeUp = resolve;
        timer = setTimeout(resolve, opts.intervalMs);
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
