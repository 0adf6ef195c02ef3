import type { Config } from '../platform/config';
import type { GatewayMetrics } from './metrics/gateway-metrics';
import type { Database } from '../platform/db/database';
import type { Logger } from '../platform/logger';
import type { AppRegistry, BootstrapResult } from './apps';
import { bootstrapRegistry, createAppRegistry, listPlans, seedPlans } from './apps';
import type { SigningKeyStore, TokenVerifier } from './auth';
import { createSigningKeyStore, createTokenIssuer, createTokenVerifier, loadOrCreateMasterKey } from './auth';
import { createTokenEndpoint, TOKEN_FAILURE_LIMITS } from './auth/token-endpoint';
import { createCheckLimiter } from './apps/check-limiter';
import { createPepperedHasher, derivePepper } from './apps/peppered-hasher';
import { createFailureLimiter } from '../platform/http/failure-limiter';
import { sandboxReset } from './admin/sandbox-reset';
import { createAdminService } from './admin/service';
import { planReader } from './admin/plans';
import type { AuthenticationDeps } from './policies/authentication';
import { createAppStatusCache } from './policies/authentication/app-status-cache';
import type { IdempotencyStore } from './policies/idempotency';
import { createIdempotencyStore } from './policies/idempotency';
import type { RateLimitPolicy } from './policies/rate-limit';
import { rateLimitPolicy } from './policies/rate-limit';
import { closeOwnedRedisClient, createOwnedRedisClient } from './policies/rate-limit/redis-client';
import type { ReadinessRegistry } from '../platform/server/readiness';
import type { InstanceLiveness } from '../platform/db/instance-liveness';
import type { UsageService } from './policies/usage';
import { usageFor, usagePolicy } from './policies/usage';
import type { InProcessServices } from './upstream/in-process';
import type { ServiceIdentity } from './apps/service-identity';
import { ensureServiceIdentity } from './apps/service-identity';
import { serveHandlers } from './upstream/in-process';
import type { PortalServer } from '../portal/server';
import { createPortalServer } from '../portal/server';
import type { CatalogueSource } from '../portal/server/service';

/** Everything database-backed that the gateway pipeline and its in-process services use, built once per instance. */
export interface GatewayRuntime {
  registry: AppRegistry;
  keys: SigningKeyStore;
  verifier: TokenVerifier;
  authentication: AuthenticationDeps;
  rateLimit: RateLimitPolicy;
  idempotency: IdempotencyStore;
  /** Requests, errors and 429s per app and UTC day; `recorder.flush()` before `read` includes the last seconds. */
  usage: UsageService;
  services: InProcessServices;
  /** Concord's own identity for calls between its parts through this gateway. */
  serviceIdentity: ServiceIdentity;
  /** Adds services (merged per contract with those already served, e.g. dead-letter operations into admin.v1). */
  registerServices(services: InProcessServices): void;
  /** The developer portal's accounts, sessions and API (served as `portal.v1`). */
  portal: PortalServer;
  /** Credentials created on the very first start; undefined afterwards. */
  bootstrap?: BootstrapResult;
  close(): Promise<void>;
}

export async function createGatewayRuntime(opts: {
  config: Config;
  db: Database;
  logger: Logger;
  knownScopes: ReadonlySet<string>;
  metrics: GatewayMetrics;
  /** What the portal shows of the contracts: catalogue, documents, changelogs, client packages. */
  catalogue: CatalogueSource;
  /** This process's instance: idempotency claims carry it, and claims of dead instances are released (ADR 0012). */
  instance?: InstanceLiveness;
  /** Where the runtime reports its own dependencies (Redis) for /readyz. */
  readiness?: ReadinessRegistry;
  /** Extra in-process services by contract, e.g. `orders.v1`. */
  services?: (deps: { registry: AppRegistry; keys: SigningKeyStore }) => InProcessServices;
}): Promise<GatewayRuntime> {
  const { config, db, logger } = opts;
  await seedPlans(db, config.plans);
  const masterKey = await loadOrCreateMasterKey(config.dataDir, config.masterKey);
  // Client secrets and API keys: peppered HMAC; legacy scrypt hashes still verify, two at a time (ADR 0011).
  const hasher = createPepperedHasher({ pepper: derivePepper(masterKey), limiter: createCheckLimiter() });
  const registry = createAppRegistry({ db, knownScopes: opts.knownScopes, hasher });
  const bootstrap = await bootstrapRegistry({ registry, dataDir: config.dataDir });

  const keys = createSigningKeyStore({ db, masterKey, onRefreshError: (err) => logger.warn({ err }, 'signing key refresh failed') });
  await keys.ensureActiveKey();
  const issuer = createTokenIssuer({ keys, issuer: config.jwtIssuer, audience: config.jwtAudience });
  const serviceIdentity = await ensureServiceIdentity(registry, issuer);
  const verifier = createTokenVerifier({
    keys,
    issuer: config.jwtIssuer,
    audience: config.jwtAudience,
    trustedIssuers: config.trustedIssuers.map(({ issuer, audience, jwksUrl }) => ({ issuer, audience, jwksUrl })),
  });
  const externalPlan = new Map(config.trustedIssuers.map((t) => [t.issuer, t.plan]));

  // With REDIS_URL, one connection per instance holds the shared rate-limit budgets and idempotency locks.
  const redis = config.redisUrl ? createOwnedRedisClient(config.redisUrl, 'gateway') : undefined;
  // Essential: the idempotency claims live there, so keyed requests fail without it.
  if (redis) opts.readiness?.add('redis', async () => void (await redis.ping()));
  const plans = await listPlans(db);
  for (const t of config.trustedIssuers) {
    if (!plans.some((p) => p.name === t.plan)) {
      throw new Error(`CONCORD_TRUSTED_ISSUERS: issuer ${t.issuer} names plan '${t.plan}', which does not exist (${plans.map((p) => p.name).join(', ')})`);
    }
  }
  const rateLimit = rateLimitPolicy.create(
    { plans: Object.fromEntries(plans.map((p) => [p.name, { ratePerSecond: p.ratePerSecond, burst: p.burst }])), keyPrefix: `${config.redisPrefix}:rl` },
    {
      ...(redis ? { redis } : {}),
      onFallback: (err) => {
        opts.metrics.rateLimitFallbacks.inc();
        logger.warn({ err }, 'rate limits fell back to per-instance memory: Redis failed');
      },
      onRejected: (plan) => opts.metrics.rateLimitRejections.inc({ plan }),
    },
  );
  const idempotency = createIdempotencyStore({
    db,
    claimDb: db.asyncCommit,
    ...(opts.instance ? { instance: opts.instance } : {}),
    ...(redis ? { redis, redisKeyPrefix: `${config.redisPrefix}:idem` } : {}),
  });
  // Claims of crashed predecessors would otherwise answer 409 idempotency-in-flight until their lease ran out.
  const released = await idempotency.releaseDeadClaims();
  if (released > 0) logger.info({ released }, 'released in-flight idempotency claims of instances that are no longer running');

  const appStatus = createAppStatusCache(async (clientId) => {
    const app = await registry.getApp(clientId);
    return app && { plan: app.plan, active: app.status === 'active', tokenGeneration: app.tokenGeneration ?? 0 };
  });
  const authentication: AuthenticationDeps = {
    async verifyToken(token) {
      const v = await verifier.verify(token);
      const plan = externalPlan.get(v.issuer);
      if (plan === undefined) return v;
      // An external caller is named with its issuer, so it can never be mistaken for a local app of the same id.
      return { clientId: `${v.clientId}@${v.issuer}`, scopes: v.scopes, plan, ...(v.partnerId ? { partnerId: v.partnerId } : {}) };
    },
    async verifyApiKey(key) {
      const { app } = await registry.verifyApiKey(key);
      return app && { clientId: app.clientId, scopes: [...app.scopes], plan: app.plan, ...(app.partnerId ? { partnerId: app.partnerId } : {}) };
    },
    appStatus: (clientId) => appStatus.get(clientId),
    // Set once the portal exists (below); no request reaches authentication before start-up has finished.
    verifySession: (token) => portal.verifySession(token),
  };

  // Admin changes that authentication caches take effect at once on this instance (others follow the cache TTL).
  const forgetting = <A extends unknown[], R>(fn: (clientId: string, ...rest: A) => Promise<R>) =>
    async (clientId: string, ...rest: A): Promise<R> => {
      const result = await fn(clientId, ...rest);
      appStatus.forget(clientId);
      return result;
    };
  const adminRegistry: AppRegistry = {
    ...registry,
    suspendApp: forgetting(registry.suspendApp),
    activateApp: forgetting(registry.activateApp),
    approvePlanChange: forgetting(registry.approvePlanChange),
    rotateSecret: forgetting(registry.rotateSecret),
  };
  const services: InProcessServices = {
    'auth.v1': serveHandlers(createTokenEndpoint({ registry, issuer, keys, failures: createFailureLimiter('oauth-token', TOKEN_FAILURE_LIMITS) })),
    'admin.v1': serveHandlers(createAdminService({
        registry: adminRegistry,
        signingKeys: keys,
        plans: planReader(db),
        sandbox: { enabled: config.sandbox, reset: (scope) => sandboxReset(db, scope) },
      })),
    ...opts.services?.({ registry, keys }),
  };
  // Started last, so that a failed start-up never leaves its loop running; stopped (and flushed) first on close.
  const usageRecorder = usagePolicy.create(
    {},
    {
      db,
      onError: (err) => logger.warn({ err }, 'usage flush failed; the counts are kept for the next one'),
      onDropped: (requests) => logger.warn({ requests }, 'usage counts dropped: the in-memory map is full and the database is not taking them'),
    },
  );
  usageRecorder.start();
  const usage: UsageService = { recorder: usageRecorder, read: (clientIds, from, to) => usageFor(db, clientIds, from, to) };
  const portal = createPortalServer({
    db,
    registry: adminRegistry,
    catalogue: opts.catalogue,
    usage: { flush: () => usageRecorder.flush(), read: usage.read },
    secureCookies: config.portalSecureCookies,
    onError: (err) => logger.warn({ err }, 'purging expired portal sessions failed'),
  });
  portal.start();
  services['portal.v1'] = serveHandlers(portal.handlers);
  return {
    registry,
    keys,
    verifier,
    authentication,
    rateLimit,
    idempotency,
    usage,
    portal,
    services,
    serviceIdentity,
    registerServices(more) {
      for (const [contract, handlers] of Object.entries(more)) services[contract] = { ...services[contract], ...handlers };
    },
    ...(bootstrap ? { bootstrap } : {}),
    async close() {
      await portal.stop();
      await usageRecorder.stop();
      await rateLimit.close();
      if (redis) await closeOwnedRedisClient(redis);
    },
  };
}
