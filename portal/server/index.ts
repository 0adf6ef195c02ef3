import type { PortalV1Handlers } from '../../generated/handlers/platform/portal.v1';
import type { AppRegistry } from '../../gateway/apps';
import type { SessionCaller } from '../../gateway/policies/authentication';
import type { Database } from '../../platform/db/database';
import { createBackgroundLoop } from '../../platform/background-loop';
import type { AccountStore } from './accounts';
import { createAccountStore } from './accounts';
import { createLoginLimiter } from './login-limiter';
import { createPortalService } from './service';
import type { CatalogueSource } from './service';
import { createSessionStore } from './sessions';
import type { UsageSource } from './usage';

export { portalMigrations } from './migrations';
export type { AccountStore, PortalUser } from './accounts';

/** The rate-limit plans portal users are counted under: the admin API's budget for admins, a partner's otherwise. */
const PLAN_OF_ROLE = { admin: 'internal', partner: 'partner' } as const;

export interface PortalServer {
  handlers: PortalV1Handlers;
  accounts: AccountStore;
  /** For the gateway's authentication policy: the session cookie's caller. */
  verifySession(token: string): Promise<SessionCaller | undefined>;
  /** Drops expired sessions; the loop `start` runs does it hourly. */
  purgeExpiredSessions(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

/** Expired sessions are refused anyway; purging them only keeps the table from growing. */
const SESSION_PURGE_MS = 60 * 60_000;

/** The developer portal's server side: accounts, sessions and the portal API, over the gateway's app registry. */
export function createPortalServer(deps: {
  db: Database;
  registry: AppRegistry;
  catalogue: CatalogueSource;
  usage: UsageSource;
  secureCookies?: boolean;
  now?: () => Date;
  onError?: (err: unknown) => void;
}): PortalServer {
  const now = deps.now ?? (() => new Date());
  const accounts = createAccountStore({ db: deps.db, registry: deps.registry });
  const sessions = createSessionStore({ db: deps.db, now });
  const purge = createBackgroundLoop(() => sessions.purgeExpired(), { intervalMs: SESSION_PURGE_MS, onError: deps.onError ?? (() => {}) });
  const handlers = createPortalService({
    accounts,
    sessions,
    limiter: createLoginLimiter(),
    registry: deps.registry,
    catalogue: deps.catalogue,
    usage: deps.usage,
    now,
    ...(deps.secureCookies ? { secureCookies: true } : {}),
  });
  return {
    handlers,
    accounts,
    async verifySession(token) {
      const session = await sessions.find(token);
      const user = session && (await accounts.get(session.userId));
      if (!session || !user) return undefined;
      return {
        clientId: user.id,
        // Internal admins are not partners: the partner scoping and the internal-API rule treat them as Concord.
        ...(user.role === 'partner' ? { partnerId: user.partner.id } : {}),
        scopes: user.role === 'admin' ? ['admin'] : [],
        plan: PLAN_OF_ROLE[user.role],
        session,
      };
    },
    purgeExpiredSessions: () => sessions.purgeExpired(),
    start: () => purge.start(),
    stop: () => purge.stop(),
  };
}
