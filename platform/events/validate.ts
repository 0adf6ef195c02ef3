import { eventCatalogue } from '../../generated/events';
import type { CloudEvent } from './types';

/**
 * Checks a whole CloudEvent (envelope and data) against its message in contracts/asyncapi/events.yaml, with the
 * validator generated at `concord generate` time. Returns why it is invalid, or undefined when it is valid.
 */
export function eventProblems(event: CloudEvent): string | undefined {
  const type = (event as { type?: unknown }).type;
  const entry = typeof type === 'string' && Object.hasOwn(eventCatalogue, type) ? eventCatalogue[type as CloudEvent['type']] : undefined;
  if (!entry) return `event type ${JSON.stringify(type)} is not in the event catalogue (contracts/asyncapi/events.yaml)`;
  if (entry.validate(event)) return undefined;
  const errors = (entry.validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
  return `invalid ${entry.type} event: ${errors.length ? errors.join('; ') : 'rejected by its schema'}`;
}
