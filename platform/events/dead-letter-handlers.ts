import type { AdminV1Handlers } from '../../generated/handlers/platform/admin.v1';
import type { components } from '../../generated/types/platform/admin.v1';
import { problem } from '../server/problem';
import type { DeadLetterReplayer } from './dead-letter-replay';
import { DeadLetterQueryError } from './dead-letters';
import type { DeadLetter, DeadLetterStore } from './dead-letters';

type ApiDeadLetter = components['schemas']['DeadLetter'];
type Problem = components['schemas']['Problem'];
type ReplayRequest = Partial<components['schemas']['ReplayDeadLettersRequest']>;

export type DeadLetterHandlers = Pick<AdminV1Handlers, 'listDeadLetters' | 'getDeadLetter' | 'replayDeadLetter' | 'replayAllDeadLetters'>;

export interface DeadLetterHandlerDeps {
  deadLetters: Pick<DeadLetterStore, 'get' | 'list'>;
  replayer: DeadLetterReplayer;
}

/**
 * The contract names a consumer on every dead letter; an event the relay refused before publishing has none, so
 * the API shows (and filters) it under this name.
 */
export const RELAY_CONSUMER = 'outbox-relay';

export function toApiDeadLetter(dl: DeadLetter): ApiDeadLetter {
  return {
    id: dl.id,
    eventId: dl.eventId,
    eventType: dl.eventType,
    source: dl.source,
    subject: dl.subject,
    consumer: dl.consumer ?? RELAY_CONSUMER,
    reason: dl.reason,
    attempts: dl.attempts,
    payload: dl.payload as unknown as ApiDeadLetter['payload'],
    firstFailedAt: dl.firstFailedAt,
    lastFailedAt: dl.lastFailedAt,
    ...(dl.replayedAt === undefined ? {} : { replayedAt: dl.replayedAt }),
    status: dl.status,
  };
}

const notFound = (id: string, correlationId: string): { status: 404; body: Problem } => ({
  status: 404,
  body: problem('not-found', 404, 'Not found', { detail: `no dead letter ${id}`, correlationId }),
});

const badQuery = (err: DeadLetterQueryError, correlationId: string): { status: 400; body: Problem } => ({
  status: 400,
  body: problem('validation', 400, 'Request validation failed', {
    detail: err.message,
    correlationId,
    errors: [{ pointer: `#/query${err.pointer}`, message: err.message }],
  }),
});

/** Only the keys that are set, so the store's defaults apply to the rest. */
const defined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** The admin API's dead-letter operations (contracts/openapi/platform/admin.v1.yaml, tag dead-letters). */
export function createDeadLetterHandlers({ deadLetters, replayer }: DeadLetterHandlerDeps): DeadLetterHandlers {
  return {
    async listDeadLetters(req, caller) {
      const { cursor, limit, source, eventType, status } = req.query;
      try {
        const page = await deadLetters.list(defined({ cursor, limit, source, eventType, status }));
        return { status: 200, body: { items: page.items.map(toApiDeadLetter), nextCursor: page.nextCursor } };
      } catch (err) {
        if (err instanceof DeadLetterQueryError) return badQuery(err, caller.correlationId);
        throw err;
      }
    },

    async getDeadLetter(req, caller) {
      const dl = await deadLetters.get(req.params.deadLetterId);
      return dl ? { status: 200, body: toApiDeadLetter(dl) } : notFound(req.params.deadLetterId, caller.correlationId);
    },

    async replayDeadLetter(req, caller) {
      const dl = await replayer.replay(req.params.deadLetterId);
      return dl ? { status: 200, body: toApiDeadLetter(dl) } : notFound(req.params.deadLetterId, caller.correlationId);
    },

    async replayAllDeadLetters(req) {
      const { source, eventType, consumer, limit }: ReplayRequest = req.body ?? {};
      const filter = defined({ source, eventType, consumer: consumer === RELAY_CONSUMER ? null : consumer });
      return { status: 200, body: await replayer.replayAll(filter, limit ?? 1000) };
    },
  };
}
