/**
 * Resolves once `ready()` holds, re-checked whenever `notify()` is called. The timeout only turns a hang into a
 * readable failure; no test relies on time passing.
 */
export function createWaiter(what: string, timeoutMs = 20_000) {
  const waiting = new Set<() => void>();
  return {
    notify(): void {
      for (const check of [...waiting]) check();
    },
    until(ready: () => boolean, detail: () => string = () => ''): Promise<void> {
      if (ready()) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(check);
          reject(new Error(`timed out waiting for ${what} ${detail()}`));
        }, timeoutMs);
        function check() {
          if (!ready()) return;
          clearTimeout(timer);
          waiting.delete(check);
          resolve();
        }
        waiting.add(check);
      });
    },
  };
}
