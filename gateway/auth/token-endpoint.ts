import type { AuthV1Handlers } from '../../generated/handlers/platform/auth.v1';
import type { CallerContext } from '../../platform/http/handler-types';
import type { FailureLimiter } from '../../platform/http/failure-limiter';
import { problem } from '../../platform/server/problem';
import type { AppRegistry } from '../apps';
import { CheckBusyError } from '../apps/check-limiter';
import type { SigningKeyStore } from './signing-keys';
import type { TokenIssuer } from './tokens';

export interface TokenEndpointDeps {
  registry: Pick<AppRegistry, 'verifyClientSecret' | 'cachedClientSecret'>;
  issuer: TokenIssuer;
  /** Failed client authentications per client id and per address (ADR 0011); none in unit tests that omit it. */
  failures?: FailureLimiter;
  keys: Pick<SigningKeyStore, 'publicJwks'>;
}

/** As the auth contract says: 20 failed authentications per client id, or 60 per address, within a minute. */
export const TOKEN_FAILURE_LIMITS = Object.freeze({ perSubject: 20, perAddress: 60, windowSeconds: 60 });

/** RFC 6749 §5.1: token responses must not be cached. */
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

type OAuthError = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client' | 'unsupported_grant_type' | 'invalid_scope';

const oauthError = (status: 400, error: OAuthError, description: string) =>
  ({ status, body: { error, error_description: description }, headers: NO_STORE }) as const;

/** HTTP Basic client authentication (RFC 6749 §2.3.1): id and secret are form-encoded before base64. */
function basicCredentials(header: unknown): { clientId: string; secret: string } | undefined {
  if (typeof header !== 'string' || !header.startsWith('Basic ') || header.length > 2048) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return { clientId: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/** Throttled: problem+json with Retry-After, as the contract's 429 says. */
const throttled = (caller: CallerContext, seconds: number) =>
  ({
    status: 429,
    body: problem('rate-limited', 429, 'Too many failed client authentications', { detail: `Try again in ${seconds} s.`, correlationId: caller.correlationId }),
    headers: { ...NO_STORE, 'Retry-After': String(seconds) },
  }) as const;

/** Too many secret checks already running: refused at once rather than queued behind them (the contract's 503). */
const busy = (caller: CallerContext) =>
  ({
    status: 503,
    body: problem('busy', 503, 'Too many secret checks in progress', { detail: 'Retry in a second.', correlationId: caller.correlationId }),
    headers: { ...NO_STORE, 'Retry-After': '1' },
  }) as const;

const text = (v: unknown, max: number): string | undefined => (typeof v === 'string' && v.length > 0 && v.length <= max ? v : undefined);

/**
 * POST /oauth/token (client credentials) and GET /.well-known/jwks.json. Errors follow RFC 6749 §5.2 rather
 * than problem+json, as the auth contract says.
 */
export function createTokenEndpoint(deps: TokenEndpointDeps): AuthV1Handlers {
  return {
    async issueToken(req, caller) {
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (body.grant_type !== 'client_credentials') {
        return body.grant_type === undefined
          ? oauthError(400, 'invalid_request', 'grant_type is required.')
          : oauthError(400, 'unsupported_grant_type', 'Only the client_credentials grant is supported.');
      }
      // HTTP Basic is security, not a declared parameter, so the typed headers do not list Authorization.
      const basic = basicCredentials((req.headers as Record<string, unknown>).authorization);
      const clientId = basic?.clientId ?? text(body.client_id, 100);
      const secret = basic?.secret ?? text(body.client_secret, 200);
      if (!clientId || !secret) return oauthError(400, 'invalid_request', 'client_id and client_secret are required (in the body or with HTTP Basic).');

      // Throttled before the check, so a flood of wrong secrets costs a counter, not a hash. A secret this instance
      // verified lately is still served: an attacker failing for a client id does not lock its owner out.
      const address = caller.remoteAddress ?? 'unknown';
      const wait = deps.failures ? await deps.failures.attempt(clientId, address) : 0;
      if (wait > 0 && !deps.registry.cachedClientSecret(clientId, secret)) return throttled(caller, wait);

      let verified;
      try {
        verified = await deps.registry.verifyClientSecret(clientId, secret);
      } catch (err) {
        if (err instanceof CheckBusyError) return busy(caller);
        throw err;
      }
      if (verified.app || verified.reason === 'suspended') {
        if (wait === 0) await deps.failures?.succeeded(clientId, address);
      }
      if (!verified.app) {
        if (verified.reason === 'suspended') return oauthError(400, 'unauthorized_client', 'This app is suspended.');
        return {
          status: 401,
          body: { error: 'invalid_client', error_description: 'Client authentication failed.' },
          headers: { ...NO_STORE, 'WWW-Authenticate': 'Basic realm="concord"' },
        };
      }
      const granted = verified.app.scopes;
      const requested = text(body.scope, 1000)?.split(' ').filter(Boolean);
      const unknown = requested?.filter((s) => !granted.includes(s)) ?? [];
      if (unknown.length > 0) return oauthError(400, 'invalid_scope', `This app may not request: ${unknown.join(' ')}.`);

      const token = await deps.issuer.issue({
        clientId: verified.app.clientId,
        scopes: requested ?? [...granted],
        generation: verified.app.tokenGeneration ?? 0,
        ...(verified.app.partnerId ? { partnerId: verified.app.partnerId } : {}),
      });
      return { status: 200, body: token, headers: NO_STORE };
    },

    async getJwks() {
      return { status: 200, body: await deps.keys.publicJwks(), headers: { 'Cache-Control': 'public, max-age=60' } };
    },
  };
}
