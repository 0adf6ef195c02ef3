import type { AuthV1Handlers } from '../../generated/handlers/platform/auth.v1';
import type { AppRegistry } from '../apps';
import type { SigningKeyStore } from './signing-keys';
import type { TokenIssuer } from './tokens';

export interface TokenEndpointDeps {
  registry: Pick<AppRegistry, 'verifyClientSecret'>;
  issuer: TokenIssuer;
  keys: Pick<SigningKeyStore, 'publicJwks'>;
}

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

const text = (v: unknown, max: number): string | undefined => (typeof v === 'string' && v.length > 0 && v.length <= max ? v : undefined);

/**
 * POST /oauth/token (client credentials) and GET /.well-known/jwks.json. Errors follow RFC 6749 §5.2 rather
 * than problem+json, as the auth contract says.
 */
export function createTokenEndpoint(deps: TokenEndpointDeps): AuthV1Handlers {
  return {
    async issueToken(req) {
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

      const verified = await deps.registry.verifyClientSecret(clientId, secret);
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
        ...(verified.app.partnerId ? { partnerId: verified.app.partnerId } : {}),
      });
      return { status: 200, body: token, headers: NO_STORE };
    },

    async getJwks() {
      return { status: 200, body: await deps.keys.publicJwks(), headers: { 'Cache-Control': 'public, max-age=60' } };
    },
  };
}
