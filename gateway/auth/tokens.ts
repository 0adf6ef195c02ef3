import type { JWTPayload } from 'jose';
import { SignJWT } from 'jose';
import { newId } from '../../platform/ids';
import type { SigningKeySource } from './signing-keys';
import { SIGNING_ALG } from './signing-keys';

export interface TokenIssuerOptions {
  keys: SigningKeySource;
  /** `iss`, e.g. the gateway's public base URL. */
  issuer: string;
  /** `aud`, e.g. `concord`. */
  audience: string;
  ttlSeconds?: number;
  now?: () => Date;
}

export interface IssueRequest {
  clientId: string;
  partnerId?: string;
  scopes: readonly string[];
  /** The app's token generation (claim `gen`); a secret rotation that revokes tokens raises it. */
  generation?: number;
}

/** The RFC 6749 §5.1 response body. */
export interface IssuedToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

export interface TokenIssuer {
  issue(request: IssueRequest): Promise<IssuedToken>;
}

export function createTokenIssuer(options: TokenIssuerOptions): TokenIssuer {
  const { keys, issuer, audience } = options;
  const ttlSeconds = options.ttlSeconds ?? 900;
  const now = options.now ?? (() => new Date());
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) throw new TypeError('ttlSeconds must be a positive integer');
  // A longer-lived token would outlive its key's publication after a rotation and start failing early.
  if (keys.maxTokenTtlSeconds !== undefined && ttlSeconds > keys.maxTokenTtlSeconds) {
    throw new TypeError(`ttlSeconds (${ttlSeconds}) exceeds the key store's token TTL (${keys.maxTokenTtlSeconds})`);
  }

  return {
    async issue({ clientId, partnerId, scopes, generation }) {
      if (!clientId) throw new TypeError('clientId is required');
      const scope = joinScopes(scopes);
      const key = await keys.activeKey();
      const nowMs = now().getTime();
      const iat = Math.floor(nowMs / 1000);
      const claims: JWTPayload = { scope };
      if (partnerId !== undefined) claims.partner = partnerId;
      if (generation) claims.gen = generation;
      const accessToken = await new SignJWT(claims)
        .setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(clientId)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlSeconds)
        .setJti(newId('jti', nowMs))
        .sign(key.privateKey);
      return { access_token: accessToken, token_type: 'Bearer', expires_in: ttlSeconds, scope };
    },
  };
}

/** The space-separated `scope` claim (RFC 8693 §4.2): a scope holding whitespace would silently become two. */
function joinScopes(scopes: readonly string[]): string {
  for (const s of scopes) {
    if (s === '' || /\s/.test(s)) throw new TypeError(`invalid scope ${JSON.stringify(s)}: scopes are non-empty and contain no whitespace`);
  }
  return [...new Set(scopes)].join(' ');
}
