import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExactlyOnce } from '../src/exactly-once';
import { openKeyStore } from '../src/key-store';
import type { VendorOutcome } from '../src/vendor-client';

// The pending-mark rule on its own, with a driven clock: a create whose outcome is unknown blocks a second create
// for `settleMs`, also across an adapter restart (the mark is on disk).

interface Doc {
  no: number;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'erp-adapter-once-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function fakeVendor() {
  const booked: Doc[] = [];
  let nextCreate: 'ok' | 'unknown-lost' | 'unknown-not-booked' = 'ok';
  return {
    booked,
    failNextCreate(how: 'unknown-lost' | 'unknown-not-booked') {
      nextCreate = how;
    },
    post(key: string) {
      return {
        key,
        operation: 'sales-order' as const,
        lookup: async (): Promise<VendorOutcome<Doc | undefined>> => ({ kind: 'ok', status: 200, body: booked[0] }),
        create: async (): Promise<VendorOutcome<Doc>> => {
          const how = nextCreate;
          nextCreate = 'ok';
          if (how === 'unknown-not-booked') return { kind: 'unknown', detail: 'timeout' };
          const doc = { no: booked.length + 1 };
          booked.push(doc);
          return how === 'ok' ? { kind: 'ok', status: 201, body: doc } : { kind: 'unknown', detail: 'reset' };
        },
        docNumber: (d: Doc) => d.no,
      };
    },
  };
}

test('a create whose answer was lost is found by the lookup after it: answered as created, booked once', async () => {
  const vendor = fakeVendor();
  const once = createExactlyOnce(await openKeyStore(dir), { settleMs: 10_000 });
  vendor.failNextCreate('unknown-lost');
  const first = await once.post(vendor.post('sales-order:ord_1'));
  expect(first).toEqual({ created: true, doc: { no: 1 } });
  expect(await once.post(vendor.post('sales-order:ord_1'))).toEqual({ created: false, doc: { no: 1 } });
  expect(vendor.booked).toHaveLength(1);
});

test('an unconfirmed create blocks a second one until settleMs has passed, also after a restart', async () => {
  let now = 1_000_000;
  const vendor = fakeVendor();
  const once = createExactlyOnce(await openKeyStore(dir), { settleMs: 10_000, now: () => now });
  vendor.failNextCreate('unknown-not-booked');
  const first = await once.post(vendor.post('sales-order:ord_2'));
  expect('failed' in first && first.failed.status).toBe(503);

  // A restarted adapter reads the pending mark back and still waits.
  now += 4_000;
  const restarted = createExactlyOnce(await openKeyStore(dir), { settleMs: 10_000, now: () => now });
  const early = await restarted.post(vendor.post('sales-order:ord_2'));
  expect('failed' in early && early.failed).toMatchObject({ status: 503, headers: { 'retry-after': '6' } });
  expect(vendor.booked).toHaveLength(0);

  now += 6_000;
  expect(await restarted.post(vendor.post('sales-order:ord_2'))).toEqual({ created: true, doc: { no: 1 } });
  expect(vendor.booked).toHaveLength(1);
});

test('concurrent posts of one reference reach the vendor one at a time: one document', async () => {
  const vendor = fakeVendor();
  const once = createExactlyOnce(await openKeyStore(dir), { settleMs: 10_000 });
  const results = await Promise.all(Array.from({ length: 5 }, () => once.post(vendor.post('sales-order:ord_3'))));
  expect(vendor.booked).toHaveLength(1);
  expect(results.filter((r) => 'created' in r && r.created)).toHaveLength(1);
});
