import { createHash } from 'node:crypto';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { VerificationKeySource } from './signing-keys';
import { SIGNING_ALG } from './signing-keys';
import { IssuerKeysUnavailable, TokenRejected, toRejection } from './token-rejected';
import { createVerifiedTokenCache } from './verified-token-cache';

export interface TrustedIssuer {
  issuer: string;
  audience: string;
  /** https, or http on a loopback address (tests, sidecars): a key set fetched in clear could be swapped. */
  jwksUrl: string;
}

export interface TokenVerifierOptions {
  keys: VerificationKeySource;
  issuer: string;
  audience: string;
  clockToleranceSeconds?: number;
  maxTokenLength?: number;
  trustedIssuers?: readonly TrustedIssuer[];
  now?: () => Date;
  /** Verified tokens kept; 0 turns the cache off. */
  cacheSize?: number;
}

export interface VerifiedToken {
  clientId: string;
  partnerId?: string;
  scopes: string[];
  /** Seconds since the epoch. */
  exp: number;
  jti: string;
  /** Who vouched for the token. The caller's identity is (issuer, clientId): a trusted issuer may reuse a local client id. */
  issuer: string;
  /** The app's token generation when it was issued (claim `gen`; absent means 0). */
  generation?: number;
}

export interface VerifierStats {
  /** Times a signature was actually checked (cache misses that got as far as jose). */
  signatureChecks: number;
  cacheHits: number;
  cachedTokens: number;
}

export interface TokenVerifier {
  /** Resolves with the token's identity, or rejects with TokenRejected (or IssuerKeysUnavailable, or a database error). */
  verify(token: string): Promise<VerifiedToken>;
  stats(): VerifierStats;
  /** Forgets every cached verdict, e.g. after a key was withdrawn in an incident. */
  clearCache(): void;
}

interface Target {
  issuer: string;
  audience: string;
  key: JWTVerifyGetKey;
  remote: boolean;
}

const REQUIRED_CLAIMS = ['exp', 'iat', 'sub', 'jti'];

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const { keys, issuer, audience } = options;
  const clockTolerance = options.clockToleranceSeconds ?? 5;
  const maxTokenLength = options.maxTokenLength ?? 8192;
  const now = options.now ?? (() => new Date());
  const cache = createVerifiedTokenCache<VerifiedToken>(options.cacheSize ?? 10_000);
  const counters = { signatureChecks: 0, cacheHits: 0 };

  const local: Target = {
    issuer,
    audience,
    remote: false,
    // A foreign key reusing one of our kids still gets our key here, so its signature fails.
    key: async (header) => {
      if (typeof header.kid !== 'string' || header.kid === '') throw new TokenRejected('unknown-key', 'token header has no kid');
      const key = await keys.verificationKey(header.kid);
      if (!key) throw new TokenRejected('unknown-key', `no live signing key has kid ${header.kid}`);
      return key;
    },
  };
  const trusted = new Map<string, Target>();
  for (const t of options.trustedIssuers ?? []) {
    if (t.issuer === issuer || trusted.has(t.issuer)) throw new TypeError(`trusted issuer ${t.issuer} is configured twice`);
    // Created once: jose's key set caches the keys and refetches on an unknown kid, with a cooldown.
    trusted.set(t.issuer, { issuer: t.issuer, audience: t.audience, remote: true, key: createRemoteJWKSet(checkJwksUrl(t.jwksUrl)) });
  }

  return {
    async verify(token) {
      if (typeof token !== 'string' || token === '') throw new TokenRejected('malformed', 'empty token');
      // Before any decoding: a huge token must not cost a base64 or JSON parse.
      if (token.length > maxTokenLength) throw new TokenRejected('too-large', `token is ${token.length} characters, over ${maxTokenLength}`);
      const currentDate = now();
      const cacheKey = createHash('sha256').update(token).digest('base64url');
      const hit = cache.get(cacheKey, currentDate.getTime());
      if (hit) {
        counters.cacheHits++;
        return hit;
      }

      const target = chooseTarget(token);
      counters.signatureChecks++;
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, target.key, {
          algorithms: [SIGNING_ALG],
          issuer: target.issuer,
          audience: target.audience,
          requiredClaims: REQUIRED_CLAIMS,
          clockTolerance,
          currentDate,
        }));
      } catch (err) {
        const rejection = toRejection(err);
        if (target.remote && !(rejection instanceof TokenRejected)) throw new IssuerKeysUnavailable(target.issuer, { cause: err });
        throw rejection;
      }
      const verified = toVerifiedToken(payload, target.issuer);
      cache.set(cacheKey, verified, currentDate.getTime());
      return verified;
    },
    stats: () => ({ ...counters, cachedTokens: cache.size }),
    clearCache: () => cache.clear(),
  };

  /**
   * The unverified `iss` only picks which keys to try; jwtVerify then enforces that same issuer, the audience
   * and the algorithm. Any other issuer goes to the local keys, where jose rejects it as the wrong issuer.
   */
  function chooseTarget(token: string): Target {
    let claims: JWTPayload;
    try {
      claims = decodeJwt(token);
    } catch (err) {
      throw new TokenRejected('malformed', (err as Error).message, { cause: err });
    }
    return (typeof claims.iss === 'string' && trusted.get(claims.iss)) || local;
  }
}

function toVerifiedToken(payload: JWTPayload, issuer: string): VerifiedToken {
  const { sub, jti, exp, scope, partner, gen } = payload;
  const bad = (what: string) => new TokenRejected('malformed', `${what} claim has the wrong type`);
  if (typeof sub !== 'string' || sub === '') throw bad('sub');
  if (typeof jti !== 'string' || jti === '') throw bad('jti');
  if (typeof exp !== 'number') throw bad('exp');
  if (scope !== undefined && typeof scope !== 'string') throw bad('scope');
  if (partner !== undefined && (typeof partner !== 'string' || partner === '')) throw bad('partner');
  if (gen !== undefined && !(Number.isSafeInteger(gen) && (gen as number) >= 0)) throw bad('gen');
  return {
    clientId: sub,
    ...(partner !== undefined && { partnerId: partner }),
    scopes: typeof scope === 'string' ? scope.split(' ').filter((s) => s !== '') : [],
    exp,
    jti,
    issuer,
    ...(gen !== undefined && { generation: gen as number }),
  };
}

function checkJwksUrl(jwksUrl: string): URL {
  const url = new URL(jwksUrl);
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new TypeError(`JWKS URL ${jwksUrl} must use https (http is allowed on loopback only)`);
  }
  return url;
}
