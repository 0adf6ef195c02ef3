import { createBackgroundLoop } from './background-loop';

describe('background loop', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** Lets the loop's promise chain run after a timer fired. */
  const settle = async () => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  const advance = async (ms: number) => {
    await jest.advanceTimersByTimeAsync(ms);
    await settle();
  };

  it('backs off while idle, doubling the wait up to maxIntervalMs, and a wake starts again from intervalMs', async () => {
    const at: number[] = [];
    const started = Date.now();
    const pass = jest.fn(async () => {
      at.push(Date.now() - started);
      return 0;
    });
    const l = createBackgroundLoop(pass, { intervalMs: 100, maxIntervalMs: 800, onError: () => {} });
    l.start();
    await advance(100 + 200 + 400 + 800 + 800);
    // Passes at 0, then after 100, 200, 400, 800 (the cap), 800.
    expect(at).toEqual([0, 100, 300, 700, 1500, 2300]);

    l.wake();
    await settle();
    expect(at.at(-1)).toBe(2300);
    expect(pass).toHaveBeenCalledTimes(7);
    await advance(100);
    expect(pass).toHaveBeenCalledTimes(8);
    await l.stop();
  });

  it('without maxIntervalMs keeps the fixed interval, and runs again at once while a pass reports work', async () => {
    const results = [2, 1, 0, 0, 0];
    const at: number[] = [];
    const started = Date.now();
    const l = createBackgroundLoop(
      async () => {
        at.push(Date.now() - started);
        return results.shift() ?? 0;
      },
      { intervalMs: 100, onError: () => {} },
    );
    l.start();
    await advance(200);
    expect(at).toEqual([0, 0, 0, 100, 200]);
    await l.stop();
  });
});
