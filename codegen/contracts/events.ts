import { getAtPointer, joinPointer } from './json-pointer';
import { compareOrdinal } from './order';
import { deref, resolveRef } from './refs';
import type { SchemaSource } from './operations';
import type { ContractFile, ContractProblem, JsonObject } from './types';
import { isObject } from './types';

export interface EventModel {
  /** The component message name, e.g. `OrderCreated`. */
  messageName: string;
  /** The CloudEvents `type`, e.g. `order.created`. */
  type: string;
  /** The NATS subject (the channel address), e.g. `concord.orders.created`. */
  subject: string;
  payload: SchemaSource;
  senders: string[];
  receivers: string[];
}

/** The CloudEvents `type` a payload pins with `const`, looking through `allOf` and `$ref`s. */
function pinnedType(schema: unknown, file: ContractFile, byAbs: ReadonlyMap<string, ContractFile>, depth = 0): string | undefined {
  if (!isObject(schema) || depth > 8) return undefined;
  if (typeof schema.$ref === 'string') {
    const t = resolveRef(schema.$ref, file, byAbs);
    return pinnedType(getAtPointer(t.file.doc, t.pointer), t.file, byAbs, depth + 1);
  }
  const props = schema.properties;
  if (isObject(props) && isObject(props.type) && typeof props.type.const === 'string') return props.type.const;
  for (const sub of Array.isArray(schema.allOf) ? schema.allOf : []) {
    const found = pinnedType(sub, file, byAbs, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Extracts the event catalogue from an AsyncAPI 3 document: message, type, subject, senders and receivers. */
export function extractEvents(
  file: ContractFile,
  byAbs: ReadonlyMap<string, ContractFile>,
): { events: EventModel[]; problems: ContractProblem[] } {
  const problems: ContractProblem[] = [];
  const doc = file.doc;
  const components = isObject(doc.components) ? doc.components : {};
  const messages = isObject(components.messages) ? components.messages : {};
  const channels = isObject(doc.channels) ? doc.channels : {};
  const operations = isObject(doc.operations) ? doc.operations : {};

  // component message pointer -> channel addresses carrying it
  const subjectsOf = new Map<string, string[]>();
  const channelOfMessage = new Map<string, string[]>();
  for (const [chName, ch] of Object.entries(channels)) {
    if (!isObject(ch) || !isObject(ch.messages)) continue;
    for (const msg of Object.values(ch.messages)) {
      if (!isObject(msg) || typeof msg.$ref !== 'string') continue;
      const target = resolveRef(msg.$ref, file, byAbs).pointer;
      subjectsOf.set(target, [...(subjectsOf.get(target) ?? []), String(ch.address ?? '')]);
      channelOfMessage.set(target, [...(channelOfMessage.get(target) ?? []), joinPointer('/channels', chName)]);
    }
  }
  const services = (channelPointer: string, action: string): string[] =>
    Object.values(operations)
      .filter((op): op is JsonObject => isObject(op) && op.action === action && isObject(op.channel) && typeof op.channel.$ref === 'string')
      .filter((op) => resolveRef((op.channel as { $ref: string }).$ref, file, byAbs).pointer === channelPointer)
      .map((op) => String(op['x-concord-service'] ?? ''))
      .filter(Boolean);

  const events: EventModel[] = [];
  for (const [name, raw] of Object.entries(messages)) {
    const pointer = joinPointer('/components/messages', name);
    let message: JsonObject;
    let msgFile: ContractFile;
    let msgPointer: string;
    try {
      const d = deref(raw, file, byAbs);
      message = d.value;
      msgFile = d.file;
      msgPointer = d.pointer ?? pointer;
    } catch (err) {
      problems.push({ file: file.rel, pointer, message: (err as Error).message });
      continue;
    }
    const type = pinnedType(message.payload, msgFile, byAbs);
    if (!type) {
      problems.push({ file: file.rel, pointer: joinPointer(pointer, 'payload'), message: 'message payload must pin the CloudEvents type with `type: { const: … }`' });
      continue;
    }
    const subjects = subjectsOf.get(pointer) ?? [];
    if (subjects.length !== 1 || !subjects[0]) {
      problems.push({ file: file.rel, pointer, message: `message must be carried by exactly one channel with an address (found ${subjects.length})` });
      continue;
    }
    const channelPointer = channelOfMessage.get(pointer)?.[0] ?? '';
    events.push({
      messageName: name,
      type,
      subject: subjects[0],
      payload: { file: msgFile, pointer: joinPointer(msgPointer, 'payload'), schema: message.payload },
      senders: services(channelPointer, 'send').sort(),
      receivers: services(channelPointer, 'receive').sort(),
    });
  }
  const seenTypes = new Set<string>();
  for (const e of events) {
    if (seenTypes.has(e.type)) problems.push({ file: file.rel, pointer: joinPointer('/components/messages', e.messageName), message: `duplicate event type '${e.type}'` });
    seenTypes.add(e.type);
  }
  return { events: events.sort((a, b) => compareOrdinal(a.type, b.type)), problems };
}
