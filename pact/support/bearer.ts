import { MatchersV3 } from '@pact-foundation/pact';

/**
 * What a consumer sends as its token in a pact: any bearer token. Verification replaces it with a real token for
 * the consumer's app (see pact/provider/verify.ts), so the example never has to be valid.
 */
export const EXAMPLE_TOKEN = 'eyJhbGciOiJFUzI1NiJ9.pact-example.signature';
export const authorization = MatchersV3.regex(/^Bearer [A-Za-z0-9._~+/-]+=*$/, `Bearer ${EXAMPLE_TOKEN}`);
export const idempotencyKey = (example: string) => MatchersV3.regex(/^[\x21-\x7e]{8,255}$/, example);
export const authHeaders = { Authorization: `Bearer ${EXAMPLE_TOKEN}` };
