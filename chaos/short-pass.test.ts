import { runFault } from './faults';

/**
 * The chaos suite's short pass, in `npm test` (issue 18, point 7): the key storm and a SIGKILL during traffic on
 * the embedded default, with few orders. `npm run chaos` runs every fault at full length.
 */
describe('chaos, short pass (embedded default)', () => {
  it('a storm of 100 concurrent requests with one key makes one order that reaches ERP once', async () => {
    const r = await runFault('storm-100-one-key', { orders: 1, faultMs: 0, quietMs: 8_000 });
    expect(r.verdict.problems).toEqual([]);
    expect(r.acknowledged).toBe(1);
  }, 300_000);

  it('SIGKILL during order traffic: every acknowledged order exists once, reached ERP once, its event went out once', async () => {
    // An ERP posting leased by the killed process waits out the sync worker's 30 s lease before it is retried.
    const r = await runFault('sigkill-embedded', { orders: 5, faultMs: 0, quietMs: 40_000 });
    expect(r.verdict.problems).toEqual([]);
    expect(r.acknowledged).toBe(5);
  }, 400_000);
});
