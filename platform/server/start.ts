import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { resolve } from 'node:path';
import type { ContractSet } from '../../codegen/contracts';
import { loadContracts } from '../../codegen/contracts';
import { contractsDigest, routes } from '../../generated/routes';
import { registerRoutes } from '../../gateway/routing/register-routes';
import { inProcessUpstream } from '../../gateway/upstream/in-process';
import type { GatewayRuntime } from '../../gateway/runtime';
import { createGatewayRuntime } from '../../gateway/runtime';
import { lateBound } from '../../gateway/pipeline/late-bound';
import { createGatewayMetrics } from '../../gateway/metrics/gateway-metrics';
import { appMigrations } from '../../gateway/apps';
import type { BootstrapResult } from '../../gateway/apps';
import { authMigrations } from '../../gateway/auth';
import { idempotencyMigrations } from '../../gateway/policies/idempotency';
import { usageMigrations } from '../../gateway/policies/usage';
import { buildRouteTable } from '../../gateway/routing/route-table';
import { createPipeline } from '../../gateway/pipeline/pipeline';
import type { PipelinePlacement } from '../../gateway/pipeline/pipeline';
import { createHttpUpstreams } from '../../gateway/upstream/http';
import { createUpstreamGuards } from '../../gateway/upstream/guard';
import type { UpstreamGuards } from '../../gateway/upstream/guard';
import type { RouteManifestEntry } from '../../codegen/manifest-types';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { migrate } from '../db/migrate';
import { registerInstance } from '../db/instance-liveness';
import { wakeNotificationMigrations } from '../db/wake-notifications';
import { platformMigrations } from '../db/migrations';
import { openDatabase } from '../db/open';
import type { Logger } from '../logger';
import { buildApp } from './app';
import { createReadinessRegistry } from './readiness';
import { createPlatformServices } from './platform-services';
import type { PlatformServices } from './platform-services';
import { systemMigrations } from '../../system-apis';
import { eventMigrations } from '../events/outbox';
import { referenceDataMigrations } from '../../process-apis/reference-data/migrations';
import { availabilityMigrations, inventoryMigrations } from '../../process-apis/availability/migrations';
import { orderMigrations } from '../../process-apis/orders';
import { returnMigrations } from '../../process-apis/returns';
import { lockDataDir } from './data-dir-lock';
import { portalMigrations } from '../../portal/server';
import { createLazyCatalogueService } from '../../portal/server/catalogue/lazy';
import { ensurePortalAdmin } from '../../portal/server/bootstrap-admin';
import { PORTAL_DIST_DIR, ensurePortalBuilt, registerPortalStatic } from '../../portal/server/static';
import type { PortalAdminCredentials } from '../../portal/server/bootstrap-admin';

export interface RunningPlatform {
  url: string;
  port: number;
  db: Database;
  contracts: ContractSet;
  /** The process and system APIs, the event backbone and the order worker (tests drive them directly). */
  services: PlatformServices;
  /** The admin and sandbox credentials, on the very first start only. */
  bootstrap?: BootstrapResult;
  /** The developer portal's first internal admin account, on the very first start only. */
  portalAdmin?: PortalAdminCredentials;
  /** Stops accepting requests, drains, and closes the database. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts Concord. The server listens first, so /healthz (liveness) answers at once while the contracts load
 * and the database opens and migrates in parallel; /readyz and every other route answer 503 until that is
 * done. Anything that fails on the way undoes what was already opened: no lock, no open database and no
 * bound port is left behind, and the caller exits 1.
 */
export async function startPlatform(
  config: Config,
  logger: Logger,
  onStep: (msg: string) => void = () => {},
  opts: {
    signal?: AbortSignal;
    /** False in tests that drive the order worker and the outbox relay themselves (`services.orders.runOnce()`). */
    background?: boolean;
    /** The clock of order intake and its worker; tests move it instead of sleeping. */
    now?: () => Date;
  } = {},
): Promise<RunningPlatform> {
  // Checked between steps: a SIGINT or SIGTERM during start-up undoes what was done instead of leaving a lock.
  const checkpoint = () => opts.signal?.throwIfAborted();
  const cleanup: Array<() => Promise<void>> = [];
  const undo = async () => {
    for (const fn of cleanup.reverse()) await fn().catch((err) => logger.error({ err }, 'shutdown step failed'));
    cleanup.length = 0;
  };
  try {
    // Lock first: a second instance on the same data dir must fail before doing any work.
    if (!config.databaseUrl) {
      const lock = await lockDataDir(config.dataDir);
      cleanup.push(() => lock.release());
    }

    onStep(`loading contracts; ${config.databaseUrl ? 'connecting to PostgreSQL' : `opening PGlite under ${config.dataDir}`}`);
    const opening = openDatabase(config);
    // Awaited below; until then a failure must not count as an unhandled rejection.
    opening.catch(() => {});
    // Registered before anything else can fail, so a failed start still closes a database that opened meanwhile.
    cleanup.push(async () => (await opening.catch(() => undefined))?.close());

    let started = false;
    // Only consulted once started, when `opening` has resolved. Modules add their dependencies as they are wired.
    const readiness = createReadinessRegistry({ database: async () => void (await (await opening).query('SELECT 1')) });
    const app = buildApp({
      logger,
      ...(config.trustProxy !== undefined ? { trustProxy: config.trustProxy } : {}),
      isStarted: () => started,
      readiness,
    });
    // Routes come from the generated manifest and must exist before listen; the start-up gate holds them
    // at 503 until the contracts are checked and the database is ready.
    const runtime = lateBound<GatewayRuntime>('gateway runtime');
    const metrics = createGatewayMetrics();
    app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
    const guards = createUpstreamGuards({ timeoutMs: config.upstreamTimeoutMs, metrics });
    readiness.addGroup(() => guards.statuses());
    const inProcess = inProcessUpstream(() => runtime.get().services, guards);
    const remote = remoteRoles(config, guards);
    if (remote) cleanup.push(() => remote.upstreams.close());
    registerRoutes(app, buildRouteTable(routes), {
      policies: createPipeline(runtime.get, routes, metrics, config.responseValidation, placementOf(config, remote?.roleOf)),
      handlerFor: (route) => {
        const role = remote?.roleOf(route);
        return role ? remote!.upstreams.handlerFor(role, route) : inProcess(route);
      },
    });
    // The portal is served where partners arrive: the embedded default and the gateway role.
    const servesPortal = config.role === 'all' || config.role === 'gateway';
    if (servesPortal) await registerPortalStatic(app, { distDir: PORTAL_DIST_DIR });
    // Closed first on shutdown (in-flight requests drain while the runtime and database are still there), and
    // at its place in `undo` when start-up fails.
    let appClosed: Promise<void> | undefined;
    const closeApp = () => (appClosed ??= app.close());
    cleanup.push(closeApp);
    await app.listen({ host: config.host, port: config.port });
    checkpoint();
    const { port } = app.server.address() as AddressInfo;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    onStep(`listening on ${url} (ready once start-up completes)`);

    // Built only when portal/web changed since the last build (about half a second); a failed build leaves /portal/
    // answering 503 `portal-not-built` while the APIs run.
    const portalBuilt = servesPortal
      ? ensurePortalBuilt({ log: { info: onStep } }).catch((err: Error) => logger.error({ err }, 'the developer portal could not be built'))
      : Promise.resolve();
    const [contracts, db] = await Promise.all([loadContracts(config.root), opening]);
    checkpoint();
    if (contracts.digest !== contractsDigest) {
      throw new Error('generated/ does not match contracts/: run `npm run generate` (the gateway would serve stale routes)');
    }
    onStep(`${contracts.operations.length} operations and ${contracts.events.length} events loaded`);
    const applied = await migrate(db, [
      ...platformMigrations,
      ...authMigrations,
      ...appMigrations,
      ...idempotencyMigrations,
      ...usageMigrations,
      ...eventMigrations,
      ...systemMigrations,
      ...referenceDataMigrations,
      ...inventoryMigrations,
      ...availabilityMigrations,
      ...orderMigrations,
      ...returnMigrations,
      ...portalMigrations,
      ...wakeNotificationMigrations,
    ]);
    onStep(applied.length ? `applied ${applied.length} migration(s)` : 'database schema up to date');
    checkpoint();
    // The contracts may be a scratch copy (tests, `--root`); the generated clients are always this package's.
    const catalogue = createLazyCatalogueService({ contractsRoot: config.root, generatedRoot: PACKAGE_ROOT });
    const instance = await registerInstance(db, { logger });
    cleanup.push(() => instance.close());
    const gateway = await createGatewayRuntime({ config, db, logger, knownScopes: contracts.scopes, metrics, catalogue, readiness, instance });
    cleanup.push(() => gateway.close());
    const portalAdmin = await ensurePortalAdmin({ accounts: gateway.portal.accounts, dataDir: config.dataDir });
    const services = await createPlatformServices({
      config,
      db,
      logger,
      metrics,
      app: () => app,
      serviceAuthorization: () => gateway.serviceIdentity.authorization(),
      background: opts.background ?? true,
      ...(opts.now ? { now: opts.now } : {}),
    });
    // Stopped before the gateway runtime and the database close (cleanup runs in reverse).
    cleanup.push(() => services.close());
    // Not essential: during a NATS outage events wait in the outbox and go out once it is back.
    const busStatus = services.events.busStatus;
    if (busStatus) readiness.add('nats', async () => busStatus(), { essential: false });
    gateway.registerServices(services.services);
    runtime.set(gateway);
    checkpoint();

    await portalBuilt;
    started = true;
    await services.afterStart();
    checkpoint();
    logger.info({ url, database: db.description, role: config.role }, 'concord started');
    releaseStartupGarbage();
    let closing: Promise<void> | undefined;
    return {
      url,
      port,
      db,
      contracts,
      services,
      ...(gateway.bootstrap ? { bootstrap: gateway.bootstrap } : {}),
      ...(portalAdmin ? { portalAdmin } : {}),
      close: () => (closing ??= closeApp().then(undo)),
    };
  } catch (err) {
    await undo();
    throw err;
  }
}

const PACKAGE_ROOT = resolve(__dirname, '..', '..');

/**
 * One full collection once start-up is done. Loading the contracts and PGlite's bundle, migrating and seeding
 * leave a few hundred MB of garbage (buffers, parsed documents) that an idle process keeps resident until V8's next
 * major GC, which without traffic may not come for a long time (issue 18, point 6: idle RSS).
 */
function releaseStartupGarbage(): void {
  if (typeof global.gc !== 'function') setFlagsFromString('--expose-gc');
  const gc = (global.gc ?? (runInNewContext('gc') as (() => void) | undefined));
  gc?.();
}

/** The role serving each upstream service when roles are split (README, "Roles"). */
const ROLE_OF_UPSTREAM: Record<string, 'process' | 'system' | undefined> = {
  orders: 'process',
  returns: 'process',
  availability: 'process',
  erp: 'system',
  wms: 'system',
  pos: 'system',
};

/** With `--role gateway`, the operations other roles serve are called over HTTP; the gateway's own stay in process. */
function remoteRoles(config: Config, guards: UpstreamGuards) {
  if (config.role !== 'gateway') return undefined;
  const upstreams = createHttpUpstreams({ process: { name: 'process', url: config.processUrl! }, system: { name: 'system', url: config.systemUrl! } }, { guards });
  return { upstreams, roleOf: (route: RouteManifestEntry) => ROLE_OF_UPSTREAM[route.upstream] };
}

function placementOf(config: Config, roleOf?: (route: RouteManifestEntry) => string | undefined): PipelinePlacement {
  if (config.role === 'all') return { hop: 'all' };
  // CONCORD_GATEWAY_IDEMPOTENCY=1: no route counts as remote for idempotency, so the gateway enforces it on all.
  if (config.role === 'gateway') return { hop: 'edge', remote: (route) => !config.gatewayIdempotency && roleOf?.(route) !== undefined };
  return { hop: 'service' };
}
