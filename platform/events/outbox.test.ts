import type { Database } from '../db/database';
import { describeOnBothDatabases } from '../testing/databases';
import { useEventDatabase } from './testing/database';
import { appendEvents, backlogSize, readBacklog } from './outbox';
import { cancelled, restocked } from './testing/fixtures';
import { eventProblems } from './validate';

const ORDER_A = 'ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3';
const ORDER_B = 'ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P4';

describeOnBothDatabases('outbox', (open) => {
  const database = useEventDatabase(open);
  let db: Database;
  beforeEach(() => {
    db = database();
  });

  const append = (events: Parameters<typeof appendEvents>[1]) => db.transaction((tx) => appendEvents(tx, events));

  it('fills in the CloudEvents envelope, and stores exactly the events it returns', async () => {
    const [withExtensions, plain] = await append([cancelled(ORDER_A), restocked(1)]);
    expect(withExtensions).toEqual({
      specversion: '1.0',
      id: expect.stringMatching(/^evt_[0-9A-Z]{26}$/),
      source: '/concord/orders',
      type: 'order.cancelled',
      time: expect.any(String),
      subject: ORDER_A,
      datacontenttype: 'application/json',
      correlationid: 'corr-cancel-1',
      sequence: 1,
      partnerid: 'prt_sandbox',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      data: cancelled(ORDER_A).data,
    });
    expect(new Date(withExtensions?.time ?? '').toISOString()).toBe(withExtensions?.time);
    expect(plain).not.toHaveProperty('partnerid');
    expect(plain).not.toHaveProperty('traceparent');
    expect([withExtensions, plain].map((e) => e && eventProblems(e))).toEqual([undefined, undefined]);
    expect((await readBacklog(db, 10)).map((b) => b.event)).toEqual([withExtensions, plain]);
  });

  it('numbers events per subject from 1 without gaps, across appends; a rolled-back append gives its numbers back', async () => {
    const first = await append([cancelled(ORDER_A, 1), cancelled(ORDER_B, 1), cancelled(ORDER_A, 2)]);
    await expect(
      db.transaction(async (tx) => {
        await appendEvents(tx, [cancelled(ORDER_A, 3)]);
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    const second = await append([cancelled(ORDER_B, 2), cancelled(ORDER_A, 4)]);

    const seq = (events: typeof first) => events.map((e) => [e.subject, e.sequence]);
    expect(seq(first)).toEqual([[ORDER_A, 1], [ORDER_B, 1], [ORDER_A, 2]]);
    expect(seq(second)).toEqual([[ORDER_B, 2], [ORDER_A, 3]]);
    expect((await readBacklog(db, 10)).map((b) => b.event.correlationid)).toEqual([
      'corr-cancel-1', 'corr-cancel-1', 'corr-cancel-2', 'corr-cancel-2', 'corr-cancel-4',
    ]);
    expect(await backlogSize(db)).toBe(5);
  });

  it('concurrent appends to one subject get consecutive sequences, and outbox order is sequence order', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => append([cancelled(ORDER_A, i + 1), restocked(i + 1)])));
    const sequences = results.map(([e]) => e?.sequence).sort((a, b) => (a ?? 0) - (b ?? 0));
    expect(sequences).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const inOutbox = (await readBacklog(db, 100)).filter((b) => b.event.subject === ORDER_A).map((b) => b.event.sequence);
    expect(inOutbox).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('appending nothing writes nothing', async () => {
    expect(await append([])).toEqual([]);
    expect(await backlogSize(db)).toBe(0);
  });
});
