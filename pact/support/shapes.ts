import { MatchersV3 } from '@pact-foundation/pact';

const { integer, regex, string } = MatchersV3;

/** Response shapes the channels read, as Pact matchers: a value that varies matches by type or pattern. */

export const money = (amount: number, currency = 'EUR') => ({ currency: regex(/^[A-Z]{3}$/, currency), amount: integer(amount) });

export const orderId = (example = 'ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3') => regex(/^ord_[0-9A-Za-z]+$/, example);
export const returnId = (example = 'ret_01JD3QB1M2N3P4Q5R6S7T8V9W0') => regex(/^ret_[0-9A-Za-z]+$/, example);
export const timestamp = (example = '2026-11-21T10:15:30.000Z') => regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/, example);

/** An RFC 9457 problem of one kind (`https://concord.dev/problems/<kind>`). */
export const problem = (status: number, kind: string, title = 'Problem') => ({
  type: `https://concord.dev/problems/${kind}`,
  status,
  title: string(title),
});

/** Errors are problem documents; Pact compares the media type and ignores the charset parameter. */
export const PROBLEM_JSON = { 'Content-Type': 'application/problem+json' };
