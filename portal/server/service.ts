import type { PortalV1Handlers } from '../../generated/handlers/platform/portal.v1';
import type { components } from '../../generated/types/platform/portal.v1';
import type { App, AppRegistry } from '../../gateway/apps';
import { RegistryError, SANDBOX_SCOPES, isRegistryError } from '../../gateway/apps';
import { notFoundProblem, registryProblem } from '../../gateway/admin/problems';
import type { CallerContext } from '../../platform/http/handler-types';
import { problem } from '../../platform/server/problem';
import type { AccountStore, PortalUser, Role } from './accounts';
import { AccountError, normaliseEmail } from './accounts';
import type { LoginLimiter } from './login-limiter';
import type { SessionRecord, SessionStore } from './sessions';
import { clearedSessionCookie, isTls, sessionCookie } from './cookies';
import type { UsageSource } from './usage';
import { usageDays } from './usage';

type Schemas = components['schemas'];


/** What the portal needs of the catalogue (./catalogue): everything scoped to what the user's role may see. */
export interface CatalogueSource {
  catalogue(role: Role): Promise<Schemas['ApiCatalogue']>;
  /** Undefined for an API version the role may not see, or that does not exist. */
  document(id: string, role: Role): Promise<Schemas['ApiDocument'] | undefined>;
  changelog(id: string, role: Role): Promise<Schemas['Changelog'] | undefined>;
  clientTarball(id: string, role: Role): Promise<{ fileName: string; data: Buffer } | undefined>;
}

export interface PortalServiceDeps {
  accounts: AccountStore;
  sessions: SessionStore;
  limiter: LoginLimiter;
  registry: AppRegistry;
  catalogue: CatalogueSource;
  usage: UsageSource;
  /** Set the cookie's Secure flag even without `X-Forwarded-Proto: https` (Concord itself behind TLS). */
  secureCookies?: boolean;
  now?: () => Date;
}

const notFound = (caller: CallerContext, detail: string) => notFoundProblem(detail, caller.correlationId);

const toPortalApp = (app: App): Schemas['PortalApp'] => ({
  clientId: app.clientId,
  name: app.name,
  plan: app.plan,
  ...(app.requestedPlan ? { requestedPlan: app.requestedPlan } : {}),
  scopes: [...app.scopes],
  status: app.status,
  apiKeys: app.apiKeys.map((k) => ({ ...k })),
  createdAt: app.createdAt,
});

const sessionBody = (user: PortalUser, session: SessionRecord): Schemas['Session'] => ({
  user,
  csrfToken: session.csrfToken,
  expiresAt: session.expiresAt.toISOString(),
});

/**
 * The developer-portal API (contracts/openapi/platform/portal.v1.yaml). The gateway has already established the
 * session for every operation but sign-up and sign-in (`caller.portalSession`), and checked the CSRF token on
 * unsafe methods. Every app operation is scoped to the caller's organisation: another organisation's app is
 * answered exactly as one that does not exist.
 */
export function createPortalService(deps: PortalServiceDeps): PortalV1Handlers {
  const { accounts, sessions, limiter, registry, catalogue, usage } = deps;
  const now = deps.now ?? (() => new Date());

  const startSession = async (user: PortalUser, headers: Record<string, unknown>) => {
    const { token, session } = await sessions.create(user.id);
    const maxAgeSeconds = Math.floor((session.expiresAt.getTime() - now().getTime()) / 1000);
    return { body: sessionBody(user, session), cookie: sessionCookie(token, { secure: isTls(headers, deps.secureCookies ?? false), maxAgeSeconds }) };
  };

  /** The signed-in user, read again per request so a deleted account stops working at once. */
  const signedIn = async (caller: CallerContext) => {
    const session = caller.portalSession;
    const user = session && (await accounts.get(session.userId));
    if (!session || !user) throw new Error('portal operation reached without a portal session: the gateway must authenticate it');
    return { session, user };
  };

  /** The app, when it belongs to the caller's organisation. Admins manage apps through the admin API instead. */
  const ownApp = async (caller: CallerContext, clientId: string): Promise<App | undefined> => {
    const { user } = await signedIn(caller);
    const app = await registry.getApp(clientId);
    return app && app.partnerId === user.partner.id ? app : undefined;
  };

  const roleOf = async (caller: CallerContext) => (await signedIn(caller)).user.role;

  return {
    async signUp(req, caller) {
      // Every sign-up spends the address's budget, taken before the work: probing which emails have accounts, or
      // flooding organisations and scrypt hashes, costs what failed sign-ins cost.
      const wait = await limiter.signUp(caller.remoteAddress ?? 'unknown');
      if (wait > 0) return tooMany(caller, wait);
      try {
        const user = await accounts.signUp(req.body);
        const { body, cookie } = await startSession(user, req.headers);
        return { status: 201, body, headers: { 'Set-Cookie': cookie, ...NO_STORE } };
      } catch (err) {
        if (err instanceof AccountError) {
          return { status: 409, body: problem('conflict', 409, 'Conflict', { detail: err.message, correlationId: caller.correlationId }) };
        }
        // The registry names its own field (the partner's name); the request calls it `organisation`.
        if (isRegistryError(err) && err.code === 'invalid') return { status: 400, body: registryProblem(new RegistryError('invalid', err.message, '/organisation'), caller.correlationId) };
        throw err;
      }
    },

    async signIn(req, caller) {
      const email = normaliseEmail(req.body.email);
      const address = caller.remoteAddress ?? 'unknown';
      const wait = await limiter.attempt(email, address);
      if (wait > 0) return tooMany(caller, wait);
      const user = await accounts.authenticate(email, req.body.password);
      if (!user) {
        return { status: 401, body: problem('unauthorized', 401, 'Authentication required', { detail: 'The email or password is wrong.', correlationId: caller.correlationId }) };
      }
      await limiter.succeeded(email, address);
      const { body, cookie } = await startSession(user, req.headers);
      return { status: 200, body, headers: { 'Set-Cookie': cookie, ...NO_STORE } };
    },

    async signOut(req, caller) {
      const { session } = await signedIn(caller);
      await sessions.destroy(session.id);
      return { status: 204, body: undefined, headers: { 'Set-Cookie': clearedSessionCookie(isTls(req.headers, deps.secureCookies ?? false)) } };
    },

    async getSession(_req, caller) {
      const { session, user } = await signedIn(caller);
      return { status: 200, body: sessionBody(user, session), headers: NO_STORE };
    },

    async listApis(_req, caller) {
      return { status: 200, body: await catalogue.catalogue(await roleOf(caller)) };
    },

    async getApiDocument(req, caller) {
      const doc = await catalogue.document(req.params.apiId, await roleOf(caller));
      return doc ? { status: 200, body: doc } : notFound(caller, `no API ${req.params.apiId}`);
    },

    async getApiChangelog(req, caller) {
      const changelog = await catalogue.changelog(req.params.apiId, await roleOf(caller));
      return changelog ? { status: 200, body: changelog } : notFound(caller, `no API ${req.params.apiId}`);
    },

    async downloadApiClient(req, caller) {
      const tarball = await catalogue.clientTarball(req.params.apiId, await roleOf(caller));
      if (!tarball) return notFound(caller, `no client for ${req.params.apiId}`);
      return {
        status: 200,
        body: tarball.data,
        headers: { 'Content-Type': 'application/gzip', 'Content-Disposition': `attachment; filename="${tarball.fileName}"` },
      };
    },

    async listMyApps(_req, caller) {
      const { user } = await signedIn(caller);
      const items: App[] = [];
      let cursor: string | undefined;
      do {
        const page = await registry.listApps({ partnerId: user.partner.id, limit: 100, ...(cursor ? { cursor } : {}) });
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return { status: 200, body: { items: items.reverse().map(toPortalApp) } };
    },

    async registerApp(req, caller) {
      const { user } = await signedIn(caller);
      let created;
      try {
        // Partner apps start on sandbox; the partner plan is a request an internal admin approves.
        created = await registry.createApp({ name: req.body.name, plan: 'sandbox', scopes: req.body.scopes ?? SANDBOX_SCOPES, partnerId: user.partner.id });
      } catch (err) {
        // The registry's own checks (a blank name, one too long once counted in UTF-16) are the caller's mistake.
        if (isRegistryError(err) && err.code === 'invalid') return { status: 400, body: registryProblem(err, caller.correlationId) };
        throw err;
      }
      const app = req.body.plan === 'partner' ? await registry.requestPlanChange(created.clientId, 'partner') : created.app;
      return {
        status: 201,
        body: { app: toPortalApp(app), clientId: created.clientId, clientSecret: created.clientSecret, apiKey: created.apiKey },
        headers: { Location: `/portal/v1/apps/${encodeURIComponent(created.clientId)}`, ...NO_STORE },
      };
    },

    async getMyApp(req, caller) {
      const app = await ownApp(caller, req.params.clientId);
      return app ? { status: 200, body: toPortalApp(app) } : notFound(caller, `no app ${req.params.clientId}`);
    },

    async rotateMyAppSecret(req, caller) {
      if (!(await ownApp(caller, req.params.clientId))) return notFound(caller, `no app ${req.params.clientId}`);
      return { status: 200, body: await registry.rotateSecret(req.params.clientId), headers: NO_STORE };
    },

    async createMyApiKey(req, caller) {
      if (!(await ownApp(caller, req.params.clientId))) return notFound(caller, `no app ${req.params.clientId}`);
      const key = await registry.createApiKey(req.params.clientId);
      const summary = (await registry.getApp(req.params.clientId))?.apiKeys.find((k) => k.keyId === key.keyId);
      return {
        status: 201,
        body: { keyId: key.keyId, apiKey: key.apiKey, prefix: key.prefix ?? summary?.prefix ?? '', createdAt: key.createdAt ?? summary?.createdAt ?? now().toISOString() },
        headers: NO_STORE,
      };
    },

    async revokeMyApiKey(req, caller) {
      const app = await ownApp(caller, req.params.clientId);
      if (!app || !app.apiKeys.some((k) => k.keyId === req.params.keyId)) return notFound(caller, `no API key ${req.params.keyId}`);
      await registry.revokeApiKey(req.params.clientId, req.params.keyId);
      return { status: 204, body: undefined };
    },

    async suspendMyApp(req, caller) {
      if (!(await ownApp(caller, req.params.clientId))) return notFound(caller, `no app ${req.params.clientId}`);
      return { status: 200, body: toPortalApp(await registry.suspendApp(req.params.clientId)) };
    },

    async getMyAppUsage(req, caller) {
      if (!(await ownApp(caller, req.params.clientId))) return notFound(caller, `no app ${req.params.clientId}`);
      const days = await usageDays(usage, req.params.clientId, req.query.days ?? 14, now());
      return { status: 200, body: { clientId: req.params.clientId, days } };
    },
  };
}

/** Responses that carry a secret or a CSRF token, as the token endpoint's do (RFC 6749 §5.1). */
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;


function tooMany(caller: CallerContext, retryAfterSeconds: number) {
  return {
    status: 429 as const,
    body: problem('rate-limited', 429, 'Too many sign-in attempts', { detail: `Try again in ${retryAfterSeconds} s.`, correlationId: caller.correlationId }),
    headers: { 'Retry-After': String(retryAfterSeconds) },
  };
}
