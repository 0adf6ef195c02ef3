import type { Database } from '../db/database';
import { describeOnBothDatabases } from '../testing/databases';
import { handleOnce, wasProcessed } from './consumer';
import { toCloudEvent } from './outbox';
import { useEventDatabase } from './testing/database';
import { restocked } from './testing/fixtures';

describeOnBothDatabases('handleOnce', (open) => {
  const database = useEventDatabase(open);
  let db: Database;
  beforeEach(async () => {
    db = database();
    await db.query('CREATE TABLE IF NOT EXISTS public.stock_effects (event_id text NOT NULL, consumer text NOT NULL)');
    await db.query('TRUNCATE public.stock_effects');
  });

  const effects = async () => (await db.query<{ event_id: string; consumer: string }>('SELECT event_id, consumer FROM public.stock_effects ORDER BY event_id')).rows;
  const effect = (consumer: string, event: { id: string }) =>
    handleOnce(db, consumer, event, async (tx) => {
      await tx.query('INSERT INTO public.stock_effects (event_id, consumer) VALUES ($1, $2)', [event.id, consumer]);
    });

  it('runs the handler once per consumer and event id; a redelivery is skipped and returns false', async () => {
    const event = toCloudEvent(restocked(1), 1);
    expect(await effect('availability', event)).toBe(true);
    expect(await effect('availability', structuredClone(event))).toBe(false);
    // Another consumer keeps its own record.
    expect(await effect('callcenter', event)).toBe(true);
    expect(await effects()).toEqual([
      { event_id: event.id, consumer: 'availability' },
      { event_id: event.id, consumer: 'callcenter' },
    ]);
    expect(await wasProcessed(db, 'availability', event.id)).toBe(true);
  });

  it('a handler that throws leaves no effect and no record, so the next delivery runs it again', async () => {
    const event = toCloudEvent(restocked(1), 1);
    const failing = handleOnce(db, 'availability', event, async (tx) => {
      await tx.query('INSERT INTO public.stock_effects (event_id, consumer) VALUES ($1, $2)', [event.id, 'availability']);
      throw new Error('ERP is down');
    });
    await expect(failing).rejects.toThrow('ERP is down');
    expect(await wasProcessed(db, 'availability', event.id)).toBe(false);
    expect(await effects()).toEqual([]);
    expect(await effect('availability', event)).toBe(true);
    expect(await effects()).toHaveLength(1);
  });

  it('of concurrent deliveries of one event, exactly one has an effect', async () => {
    const event = toCloudEvent(restocked(1), 1);
    const results = await Promise.all(Array.from({ length: 8 }, () => effect('availability', event)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await effects()).toHaveLength(1);
  });
});
