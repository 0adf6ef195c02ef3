import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteManifestEntry } from '../../../codegen/manifest-types';
import { PROBLEM_CONTENT_TYPE, problem } from '../../../platform/server/problem';
import type { AuthenticatedCaller } from '../../pipeline/caller';
import type { Policy } from '../../pipeline/policy';
import { bindLog } from '../../../platform/server/log-bindings';
import { timingSafeEqual } from 'node:crypto';

/** Constant-time, so the comparison does not tell how much of a guessed token was right. */
function csrfMatches(presented: unknown, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  // Byte lengths, not string lengths: a non-ASCII header of the right length must not make timingSafeEqual throw.
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export const configSchema = { type: 'object', additionalProperties: false, properties: {} } as const;

/** What authentication needs from the gateway's runtime. */
export interface AuthenticationDeps {
  /**
   * Verifies a bearer token; rejects when it is not acceptable. Verified tokens are cached by the verifier.
   * `plan` is set for callers of a trusted external issuer, whom the app registry does not know.
   */
  verifyToken(token: string): Promise<{ clientId: string; partnerId?: string; scopes: string[]; plan?: string; generation?: number }>;
  verifyApiKey(key: string): Promise<{ clientId: string; partnerId?: string; scopes: string[]; plan: string } | null>;
  /** The app's current plan and status, from a short-lived cache: a suspended app is refused within its TTL. */
  appStatus(clientId: string): Promise<{ plan: string; active: boolean; tokenGeneration?: number } | undefined>;
  /** The developer-portal session a cookie token names, as a caller; undefined when unknown or expired. */
  verifySession(token: string): Promise<SessionCaller | undefined>;
}

/** A portal user as a caller: `clientId` is the user id, `scopes` what the user's role grants. */
export interface SessionCaller {
  clientId: string;
  partnerId?: string;
  scopes: string[];
  plan: string;
  session: { id: string; userId: string; csrfToken: string; expiresAt: Date };
}

/** The cookie of the portal contract's `portalSession` scheme. */
export const SESSION_COOKIE = 'concord_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Tokens longer than this are refused before any parsing; the verifier has its own, lower, limit too. */
const MAX_AUTHORIZATION_LENGTH = 16 * 1024;

function unauthorized(req: FastifyRequest, reply: FastifyReply, detail: string, error?: 'invalid_token') {
  return reply
    .code(401)
    .header('WWW-Authenticate', `Bearer realm="concord"${error ? `, error="${error}"` : ''}`)
    .type(PROBLEM_CONTENT_TYPE)
    .send(problem('unauthorized', 401, 'Authentication required', { detail, correlationId: req.id }));
}

function busy(req: FastifyRequest, reply: FastifyReply) {
  return reply
    .code(503)
    .header('Retry-After', '1')
    .type(PROBLEM_CONTENT_TYPE)
    .send(problem('busy', 503, 'Too many secret checks in progress', { detail: 'Retry in a second.', correlationId: req.id }));
}

function forbidCsrf(req: FastifyRequest, reply: FastifyReply) {
  return reply
    .code(403)
    .type(PROBLEM_CONTENT_TYPE)
    .send(problem('csrf-token-invalid', 403, 'CSRF token missing or invalid', { detail: "Send the session's csrfToken in X-CSRF-Token.", correlationId: req.id }));
}

/** The session cookie's value, or undefined; only the first occurrence counts. */
function sessionToken(header: string | undefined): string | undefined {
  if (header === undefined || header.length > 8192) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

function forRoute(deps: () => AuthenticationDeps, route: RouteManifestEntry) {
  if (route.public) return undefined;
  const acceptsApiKey = route.apiKey;
  const acceptsBearer = route.bearer;
  const acceptsSession = route.session;
  const unsafe = !SAFE_METHODS.has(route.method);
  return {
    onRequest: async (req: FastifyRequest, reply: FastifyReply) => {
      const runtime = deps();
      const authorization = req.headers.authorization;
      const apiKey = req.headers['x-api-key'];
      let caller: AuthenticatedCaller | undefined;

      const cookieToken = acceptsSession ? sessionToken(req.headers.cookie) : undefined;

      if (typeof authorization === 'string' && acceptsBearer) {
        if (authorization.length > MAX_AUTHORIZATION_LENGTH) return unauthorized(req, reply, 'The Authorization header is too large.', 'invalid_token');
        const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(authorization);
        if (!match?.[1]) return unauthorized(req, reply, 'Use `Authorization: Bearer <token>` with a token from POST /oauth/token.', 'invalid_token');
        let verified;
        try {
          verified = await runtime.verifyToken(match[1]);
        } catch {
          // Why a token failed (expired, wrong audience…) is logged, not told to the caller.
          req.log.info({ event: 'token-rejected' }, 'bearer token rejected');
          return unauthorized(req, reply, 'The access token is invalid or expired.', 'invalid_token');
        }
        let plan = verified.plan;
        if (plan === undefined) {
          const status = await runtime.appStatus(verified.clientId);
          if (!status?.active) return unauthorized(req, reply, 'The app is suspended or no longer exists.', 'invalid_token');
          if ((verified.generation ?? 0) < (status.tokenGeneration ?? 0)) {
            return unauthorized(req, reply, 'The access token was revoked by a secret rotation; get a new one.', 'invalid_token');
          }
          plan = status.plan;
        }
        caller = { correlationId: req.id, clientId: verified.clientId, scopes: verified.scopes, plan, method: 'bearer', ...(verified.partnerId ? { partnerId: verified.partnerId } : {}) };
      } else if (typeof apiKey === 'string' && acceptsApiKey) {
        if (apiKey.length > 512) return unauthorized(req, reply, 'The API key is invalid.');
        let app;
        try {
          app = await runtime.verifyApiKey(apiKey);
        } catch (err) {
          // Too many legacy (scrypt) key checks already running: refused at once instead of queued (ADR 0011).
          if ((err as { code?: string }).code === 'CONCORD_CHECK_BUSY') return busy(req, reply);
          throw err;
        }
        if (!app) return unauthorized(req, reply, 'The API key is invalid, revoked, or its app is suspended.');
        caller = { correlationId: req.id, clientId: app.clientId, scopes: app.scopes, plan: app.plan, method: 'api-key', ...(app.partnerId ? { partnerId: app.partnerId } : {}) };
      } else if (cookieToken !== undefined) {
        const session = await runtime.verifySession(cookieToken);
        if (!session) return unauthorized(req, reply, 'The portal session has expired or was signed out. Sign in again.');
        // The cookie is sent by the browser whoever made the page; the token only by the portal's own scripts.
        if (unsafe && !csrfMatches(req.headers['x-csrf-token'], session.session.csrfToken)) return forbidCsrf(req, reply);
        caller = {
          correlationId: req.id,
          clientId: session.clientId,
          scopes: session.scopes,
          plan: session.plan,
          method: 'session',
          portalSession: session.session,
          ...(session.partnerId ? { partnerId: session.partnerId } : {}),
        };
      } else {
        if (acceptsSession && !acceptsBearer) return unauthorized(req, reply, 'Sign in to the developer portal first.');
        return unauthorized(
          req,
          reply,
          apiKey !== undefined
            ? 'This operation does not accept API keys; use a bearer token from POST /oauth/token.'
            : `Send a bearer token${acceptsApiKey ? ' or an X-API-Key' : ''}.`,
        );
      }
      req.caller = caller;
      bindLog(req, { clientId: caller.clientId, operationId: route.operationId });
    },
  };
}

/** Establishes who is calling: a bearer JWT, or an API key where the contract allows one. Public routes skip it. */
export function createAuthentication(deps: () => AuthenticationDeps): Policy {
  return { name: 'authentication', forRoute: (route) => forRoute(deps, route) };
}
