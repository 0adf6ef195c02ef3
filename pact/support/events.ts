import { MatchersV3 } from '@pact-foundation/pact';
import { timestamp } from './shapes';

const { integer, regex, string } = MatchersV3;

/**
 * The CloudEvents envelope (contracts/asyncapi/events.yaml) as a consumer reads it: its id to dedupe, the subject
 * and time; `type` is exact, since a consumer dispatches on it.
 */
export const envelope = (type: string, source: string, subject: ReturnType<typeof regex> | ReturnType<typeof string>) => ({
  specversion: '1.0',
  id: regex(/^evt_[0-9A-Za-z]+$/, 'evt_01JD3QC8B2D4F6H8K0M2P4R6T8'),
  source,
  type,
  time: timestamp(),
  subject,
  correlationid: string('9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d'),
  sequence: integer(1),
});
