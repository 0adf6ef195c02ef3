import type { JsonObject, JsonPath } from './json';
import { entries, isObject } from './json';

export interface MessageAt {
  name: string;
  message: JsonObject;
  at: JsonPath;
}

/**
 * The messages an AsyncAPI 3 document defines: `components.messages`, and messages written inline in a channel.
 * A channel's `$ref` to a component (unresolved document) is skipped so each message is visited once.
 */
export function messagesOf(doc: unknown, unresolved: unknown = doc): MessageAt[] {
  if (!isObject(doc)) return [];
  const out: MessageAt[] = [];
  const components = isObject(doc.components) ? doc.components.messages : undefined;
  for (const [name, message] of entries(components)) if (isObject(message)) out.push({ name, message, at: ['components', 'messages', name] });
  const written = isObject(unresolved) ? unresolved.channels : undefined;
  for (const [channel, value] of entries(doc.channels)) {
    const writtenChannel = isObject(written) ? written[channel] : undefined;
    if (!isObject(value) || (isObject(writtenChannel) && '$ref' in writtenChannel)) continue;
    const writtenMessages = isObject(writtenChannel) ? writtenChannel.messages : undefined;
    for (const [name, message] of entries(value.messages)) {
      const asWritten = isObject(writtenMessages) ? writtenMessages[name] : undefined;
      if (!isObject(message) || (isObject(asWritten) && '$ref' in asWritten)) continue;
      out.push({ name, message, at: ['channels', channel, 'messages', name] });
    }
  }
  return out;
}
