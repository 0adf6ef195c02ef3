import { eventCatalogue } from '../../generated/events';
import type { EventType } from './types';

/** One JetStream stream per domain, as contracts/asyncapi/events.yaml lays them out. */
const DOMAIN_STREAMS: Readonly<Record<string, string>> = { orders: 'ORDERS', inventory: 'INVENTORY', returns: 'RETURNS' };

/** Token that marks a replay subject inside a domain: `concord.<domain>._replay.<consumer>`. No event type uses it. */
const REPLAY_TOKEN = '_replay';

const NAME = /^[A-Za-z0-9_-]{1,100}$/;

export interface NatsStream {
  name: string;
  domain: string;
  /** The one subject filter of the stream, and of every durable consumer on it: `<prefix>concord.<domain>.>`. */
  subjects: string;
}

/**
 * Where events live on NATS. Without a namespace, exactly the contract's subjects and streams. A namespace (tests)
 * prefixes every subject (`<ns>.concord.orders.created`) and stream name (`<ns>_ORDERS`), so suites sharing one
 * server never see each other's events.
 */
export interface NatsLayout {
  readonly streams: readonly NatsStream[];
  subjectOf(type: EventType): string;
  streamOf(type: EventType): NatsStream;
  /** Where a dead letter's replay for `consumer` goes: inside the event's stream, read by that consumer only. */
  replaySubject(type: EventType, consumer: string): string;
  /** The consumer a replay subject is addressed to; undefined for an ordinary event subject. */
  replayTarget(subject: string): string | undefined;
}

export function checkName(what: string, name: string): string {
  if (!NAME.test(name)) throw new Error(`${what} '${name}' must be 1-100 letters, digits, '-' or '_' (it names NATS consumers and subjects)`);
  return name;
}

export function createNatsLayout(namespace?: string): NatsLayout {
  const prefix = namespace === undefined ? '' : `${checkName('namespace', namespace)}.`;
  const streams: NatsStream[] = Object.entries(DOMAIN_STREAMS).map(([domain, name]) => ({
    name: namespace === undefined ? name : `${namespace}_${name}`,
    domain,
    subjects: `${prefix}concord.${domain}.>`,
  }));
  const byDomain = new Map(streams.map((s) => [s.domain, s]));

  const streamOf = (type: EventType): NatsStream => {
    const subject = eventCatalogue[type]?.subject ?? '';
    const stream = byDomain.get(subject.split('.')[1] ?? '');
    if (!subject.startsWith('concord.') || !stream) throw new Error(`event type ${type} has no JetStream stream (subject '${subject}')`);
    return stream;
  };

  return {
    streams,
    subjectOf: (type) => {
      streamOf(type);
      return prefix + eventCatalogue[type].subject;
    },
    streamOf,
    replaySubject: (type, consumer) => `${prefix}concord.${streamOf(type).domain}.${REPLAY_TOKEN}.${checkName('consumer', consumer)}`,
    replayTarget(subject) {
      const tokens = subject.slice(prefix.length).split('.');
      return tokens.length === 4 && tokens[2] === REPLAY_TOKEN ? tokens[3] : undefined;
    },
  };
}
