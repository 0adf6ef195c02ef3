import { backoffMs } from './backoff';

test('backoff doubles per attempt up to the cap, jittered within the upper half', () => {
  const opts = { baseMs: 1_000, capMs: 8_000 };
  expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, opts, () => 0))).toEqual([500, 1_000, 2_000, 4_000, 4_000]);
  expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, opts, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
});
