import { createBackgroundPass } from './background-pass';

describe('order intake background pass', () => {
  const setup = (succeeded: number) => {
    let clock = 0;
    const calls = { worker: 0, tracker: 0, committed: 0 };
    const pass = createBackgroundPass({
      worker: { runOnce: async () => (calls.worker++, { attempted: succeeded, succeeded }) },
      tracker: { runOnce: async () => (calls.tracker++, 0) },
      trackIntervalMs: 1000,
      onCommitted: () => void calls.committed++,
      clock: () => clock,
    });
    return { pass, calls, advance: (ms: number) => void (clock += ms) };
  };

  it('runs the worker on every pass but tracks fulfilment at most once per interval', async () => {
    const { pass, calls, advance } = setup(1);
    for (let i = 0; i < 5; i += 1) expect(await pass()).toBe(1);
    expect(calls).toEqual({ worker: 5, tracker: 1, committed: 5 });
    advance(999);
    await pass();
    expect(calls.tracker).toBe(1);
    advance(1);
    await pass();
    expect(calls.tracker).toBe(2);
  });

  it('reports only the worker successes, so tracking alone does not keep the loop spinning', async () => {
    const { pass, calls } = setup(0);
    expect(await pass()).toBe(0);
    expect(calls).toEqual({ worker: 1, tracker: 1, committed: 0 });
  });
});
