import { routes } from '../../generated/routes';
import type { Database } from '../db/database';
import type { CallerContext } from '../http/handler-types';
import { describeOnBothDatabases } from '../testing/databases';
import { RELAY_CONSUMER, createDeadLetterHandlers } from './dead-letter-handlers';
import type { DeadLetterHandlers } from './dead-letter-handlers';
import { createDeadLetterReplayer } from './dead-letter-replay';
import { createDeadLetterStore } from './dead-letters';
import { createInProcessBus } from './in-process-bus';
import { appendEvents } from './outbox';
import { createOutboxRelay } from './relay';
import { silentLogger } from './testing/buses';
import { useEventDatabase } from './testing/database';
import { cancelled, invalidRestock } from './testing/fixtures';
import { collect } from './testing/recorders';
import type { CloudEvent } from './types';

const CALLER: CallerContext = { correlationId: 'corr-dlq-test', clientId: 'app_admin', scopes: ['admin'] };
const ORDER = 'ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3';

type Op = keyof DeadLetterHandlers;

/** Holds a response to the admin contract: a declared status and a body its generated validator accepts. */
function expectContract(operationId: Op, res: { status: number; body: unknown }): void {
  const route = routes.find((r) => r.api === 'admin' && r.operationId === operationId);
  const type = res.status >= 400 ? 'application/problem+json' : 'application/json';
  const validate = route?.validate.responses?.[String(res.status)]?.[type];
  if (!validate) throw new Error(`${operationId} declares no ${res.status} ${type}`);
  if (!validate(res.body)) throw new Error(`${operationId} ${res.status} breaks the contract: ${JSON.stringify(validate.errors)}\n${JSON.stringify(res.body)}`);
}

function expectStatus<R extends { status: number }, S extends R['status']>(res: R, status: S): Extract<R, { status: S }> {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res)}`);
  return res as Extract<R, { status: S }>;
}

describeOnBothDatabases('dead-letter admin handlers', (open) => {
  const database = useEventDatabase(open);
  let db: Database;
  let handlers: DeadLetterHandlers;
  let erpDown: boolean;
  let delivered: CloudEvent[];
  let order: CloudEvent;
  let invalid: CloudEvent;

  beforeEach(async () => {
    db = database();
    const deadLetters = createDeadLetterStore(db);
    const bus = createInProcessBus({ logger: silentLogger, deadLetters, maxAttempts: 2, retryDelayMs: () => 0 });
    erpDown = true;
    const erp = await collect(bus, 'erp-sync', ['order.cancelled'], async () => {
      if (erpDown) throw new Error('ERP answered 503');
    });
    delivered = erp.handled;
    [order, invalid] = (await db.transaction((tx) => appendEvents(tx, [cancelled(ORDER), invalidRestock()])) as [CloudEvent, CloudEvent]);
    await createOutboxRelay({ db, bus, logger: silentLogger, deadLetters }).runOnce();
    handlers = createDeadLetterHandlers({ deadLetters, replayer: createDeadLetterReplayer({ db, bus, deadLetters, logger: silentLogger }) });
  });

  const list = async (query: Parameters<DeadLetterHandlers['listDeadLetters']>[0]['query'] = {}) => {
    const res = await handlers.listDeadLetters({ params: {}, query, headers: {}, body: undefined }, CALLER);
    expectContract('listDeadLetters', res);
    return res;
  };
  const get = async (deadLetterId: string) => {
    const res = await handlers.getDeadLetter({ params: { deadLetterId }, query: {}, headers: {}, body: undefined }, CALLER);
    expectContract('getDeadLetter', res);
    return res;
  };
  const replay = async (deadLetterId: string) => {
    const res = await handlers.replayDeadLetter({ params: { deadLetterId }, query: {}, headers: {}, body: undefined }, CALLER);
    expectContract('replayDeadLetter', res);
    return res;
  };

  it('lists dead letters as the contract shows them; an event refused at publish is under the relay', async () => {
    const { body } = expectStatus(await list(), 200);
    expect(body.nextCursor).toBeNull();
    expect(body.items.map((d) => [d.eventId, d.consumer, d.status])).toEqual(
      expect.arrayContaining([
        [order.id, 'erp-sync', 'pending'],
        [invalid.id, RELAY_CONSUMER, 'pending'],
      ]),
    );
    const erp = body.items.find((d) => d.consumer === 'erp-sync');
    expect(erp).toEqual({
      id: expect.stringMatching(/^dlq_/),
      eventId: order.id,
      eventType: 'order.cancelled',
      source: '/concord/orders',
      subject: ORDER,
      consumer: 'erp-sync',
      reason: 'ERP answered 503',
      attempts: 2,
      payload: order,
      firstFailedAt: expect.any(String),
      lastFailedAt: expect.any(String),
      status: 'pending',
    });

    expect(expectStatus(await list({ eventType: 'item.restocked' }), 200).body.items.map((d) => d.eventId)).toEqual([invalid.id]);
    expect(expectStatus(await list({ status: 'replayed' }), 200).body.items).toEqual([]);
    const page = expectStatus(await list({ limit: 1 }), 200).body;
    expect(page.items).toHaveLength(1);
    expect(expectStatus(await list({ limit: 1, cursor: page.nextCursor ?? '' }), 200).body.items).toHaveLength(1);
  });

  it('answers 400 for a cursor it never issued, naming the parameter', async () => {
    const bad = expectStatus(await list({ cursor: 'garbage' }), 400);
    expect(bad.body).toMatchObject({ type: 'https://concord.dev/problems/validation', correlationId: CALLER.correlationId });
    expect(bad.body.errors).toEqual([{ pointer: '#/query/cursor', message: expect.any(String) }]);
  });

  it('gets one dead letter, and 404 for an unknown id', async () => {
    const [first] = expectStatus(await list(), 200).body.items;
    expect(expectStatus(await get(first?.id ?? ''), 200).body).toEqual(first);
    const missing = expectStatus(await get('dlq_01NOSUCHDEADLETTER00000000'), 404);
    expect(missing.body).toMatchObject({ type: 'https://concord.dev/problems/not-found', status: 404, correlationId: CALLER.correlationId });
  });

  it('replays to the consumer: replayed once it handled it, unchanged when replayed again; 404 for an unknown id', async () => {
    const id = expectStatus(await list({ eventType: 'order.cancelled' }), 200).body.items[0]?.id ?? '';
    const failed = expectStatus(await replay(id), 200).body;
    expect(failed).toMatchObject({ status: 'pending', attempts: 4 });

    erpDown = false;
    const done = expectStatus(await replay(id), 200).body;
    expect(done).toMatchObject({ id, status: 'replayed', replayedAt: expect.any(String), attempts: 4 });
    expect(delivered.map((e) => e.id)).toEqual([order.id]);
    expect(expectStatus(await replay(id), 200).body).toEqual(done);
    expect(delivered).toHaveLength(1);
    expectStatus(await replay('dlq_01NOSUCHDEADLETTER00000000'), 404);
  });

  it('replays all pending dead letters matching the body, or every one without a body', async () => {
    erpDown = false;
    // platform/http/handler-types.ts types an optional request body as always undefined, hence the cast.
    const body = { consumer: RELAY_CONSUMER, limit: 10 } as unknown as undefined;
    const onlyRelay = await handlers.replayAllDeadLetters({ params: {}, query: {}, headers: {}, body }, CALLER);
    expectContract('replayAllDeadLetters', onlyRelay);
    // Still invalid against its contract, so it failed again and stays pending.
    expect(onlyRelay.body).toEqual({ matched: 1, replayed: 0, failed: 1 });

    const all = await handlers.replayAllDeadLetters({ params: {}, query: {}, headers: {}, body: undefined }, CALLER);
    expectContract('replayAllDeadLetters', all);
    expect(all.body).toEqual({ matched: 2, replayed: 1, failed: 1 });
    expect(delivered.map((e) => e.id)).toEqual([order.id]);
  });
});
