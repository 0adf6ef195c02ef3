import type { EventModel } from '../../codegen/contracts';
import type { FindingLocation } from '../types';
import type { CheckContext } from './context';
import { checkExpectedBody } from './expectations';
import type { PactMessageInteraction } from './pact-file';
import type { ImpactProblem, InteractionImpact } from './types';

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Metadata keys that may carry the CloudEvents type (binary-mode headers, or a consumer's own naming). */
const TYPE_KEYS = ['type', 'ce-type', 'ce_type', 'cloudevents.type', 'eventType', 'event-type'];
/** Metadata keys that may carry the NATS subject the message is published on. */
const SUBJECT_KEYS = ['subject', 'nats-subject', 'natsSubject', 'channel', 'destination', 'topic'];

/**
 * The event a message pact stands for. Concord's messages are structured-mode CloudEvents, so the contents' `type`
 * names it (the provider's message providers publish exactly that type); a pact without one may say it in its
 * metadata, by type or by NATS subject.
 */
function identify(ix: PactMessageInteraction, events: readonly EventModel[]): { event?: EventModel; type?: string; how: string } {
  const content = ix.contents?.content;
  if (isRecord(content) && typeof content.type === 'string') {
    return { event: events.find((e) => e.type === content.type), type: content.type, how: 'CloudEvents type' };
  }
  for (const key of TYPE_KEYS) {
    const v = ix.metadata[key];
    if (typeof v === 'string') return { event: events.find((e) => e.type === v), type: v, how: `metadata '${key}'` };
  }
  for (const key of SUBJECT_KEYS) {
    const v = ix.metadata[key];
    const event = typeof v === 'string' ? events.find((e) => e.subject === v) : undefined;
    if (event) return { event, type: event.type, how: `metadata '${key}'` };
  }
  return { how: '' };
}

const eventLabel = (e: EventModel): string => `send ${e.type} (${e.messageName})`;

/** Checks one message interaction: its event still exists and is sent, and its contents fit the payload schema. */
export function checkMessageInteraction(ix: PactMessageInteraction, ctx: CheckContext): InteractionImpact {
  const base = { description: ix.description, kind: 'message' as const };
  const catalogue = ctx.set.files.find((f) => f.kind === 'asyncapi');
  const catalogueLocation: FindingLocation | undefined = catalogue ? { file: catalogue.rel, pointer: '/components/messages' } : undefined;
  const { event, type, how } = identify(ix, ctx.set.events);
  if (!event) {
    const message = type
      ? `no event '${type}' in the AsyncAPI catalogue (by ${how}): the event was removed or renamed`
      : 'cannot tell which event this message is: its contents carry no CloudEvents type and its metadata names no type or subject';
    return { ...base, problems: [{ message, ...(catalogueLocation ? { location: catalogueLocation } : {}) }] };
  }
  const operation = eventLabel(event);
  const location: FindingLocation = { file: event.payload.file.rel, pointer: event.payload.pointer.replace(/\/payload$/, ''), operation: `send ${event.type}` };
  const problems: ImpactProblem[] = [];
  if (event.senders.length === 0) problems.push({ message: `no service sends '${event.type}' any more (no send operation on its channel)`, location });
  const content = ix.contents;
  if (content?.json) {
    problems.push(
      ...checkExpectedBody(content.content, event.payload, { view: ctx.view, validators: ctx.validators, rules: ix.rules, what: 'payload', operation: `send ${event.type}` }),
    );
  } else if (content) {
    problems.push({ message: `the message contents are ${content.contentType ?? 'not JSON'}; only JSON contents can be checked against the payload schema`, location });
  }
  return { ...base, operation, problems };
}
