import type { IFunctionResult, RulesetFunction } from '@stoplight/spectral-core';
import type { JsonObject } from './json';
import { entries, isObject } from './json';
import { messagesOf } from './messages';

/** `correlationid` is the CloudEvents extension Concord uses; `correlationId` for plain JSON payloads and headers. */
const NAMES = new Set(['correlationid', 'x-correlation-id']);
const normalise = (name: string) => name.toLowerCase().replace(/_/g, '');

/** Whether a (resolved) schema requires a correlation id property, looking through `allOf`. */
function requiresCorrelationId(schema: unknown): boolean {
  if (!isObject(schema)) return false;
  const s: JsonObject = schema;
  const required = Array.isArray(s.required) ? s.required.map((r) => normalise(String(r))) : [];
  const declared = entries(s.properties).map(([name]) => normalise(name));
  if (required.some((r) => NAMES.has(r) && declared.includes(r))) return true;
  return Array.isArray(s.allOf) && s.allOf.some(requiresCorrelationId);
}

/**
 * Every event carries the X-Correlation-ID of the request that caused it, so a request can be followed into the
 * events and consumers it set off: a required `correlationid` in the payload (the CloudEvents envelope) or the
 * headers, or an AsyncAPI `correlationId` object on the message.
 */
export const asyncapiCorrelationId: RulesetFunction<unknown, null> = (doc, _options, context) => {
  const results: IFunctionResult[] = [];
  for (const { name, message, at } of messagesOf(doc, context.document.data)) {
    if (isObject(message.correlationId) || requiresCorrelationId(message.payload) || requiresCorrelationId(message.headers)) continue;
    results.push({ message: `Message ${name} does not require a correlation id (CloudEvents \`correlationid\`, a header, or \`correlationId\`).`, path: at });
  }
  return results;
};
