import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { contractsDigest, routes } from '../../generated/routes';
import { registerRoutes } from '../../gateway/routing/register-routes';
import type { ContractSourceStatus } from '../../gateway/routing/served-routes';
import { resolveServedRoutes } from '../../gateway/routing/served-routes';
import { inProcessUpstream } from '../../gateway/upstream/in-process';
import type { GatewayRuntime } from '../../gateway/runtime';
import { createGatewayRuntime } from '../../gateway/runtime';
import { lateBound } from '../../gateway/pipeline/late-bound';
import { createGatewayMetrics } from '../../gateway/metrics/gateway-metrics';
import { registerMetricsRoute, startMetricsListener } from './metrics-endpoint';
import type { BootstrapResult } from '../../gateway/apps';
import { buildRouteTable } from '../../gateway/routing/route-table';
import { createPipeline } from '../../gateway/pipeline/pipeline';
import type { PipelinePlacement } from '../../gateway/pipeline/pipeline';
import type * as HttpUpstream from '../../gateway/upstream/http';
import type * as CatalogueUpstream from '../../gateway/upstream/catalogue-upstream';
import { createUpstreamGuards } from '../../gateway/upstream/guard';
import type { UpstreamGuards } from '../../gateway/upstream/guard';
import type { RouteManifestEntry } from '../../codegen/manifest-types';
import type { Config } from '../config';
import { servesPortal } from '../config';
import { sandboxOffReason } from './unserved-reason';
import type { Database } from '../db/database';
import { migrate } from '../db/migrate';
import { registerInstance } from '../db/instance-liveness';
import { openDatabase } from '../db/open';
import { CONCORD_MIGRATIONS, concordTemplate } from './migrations';
import type { ServedContracts } from './served-contracts';
import { loadServedContracts, servedFromContractSet } from './served-contracts';
import type { Logger } from '../logger';
import { PACKAGE_ROOT } from '../package-root';
import { buildApp } from './app';
import { createReadinessRegistry } from './readiness';
import { createPlatformServices } from './platform-services';
import type { PlatformServices } from './platform-services';
import { lockDataDir } from './data-dir-lock';
import { createLazyCatalogueService } from '../../portal/server/catalogue/lazy';
import { ensurePortalAdmin } from '../../portal/server/bootstrap-admin';
import { PORTAL_DIST_DIR, ensurePortalBuilt, registerPortalStatic } from '../../portal/server/static';
import type { PortalAdminCredentials } from '../../portal/server/bootstrap-admin';

export interface RunningPlatform {
  url: string;
  port: number;
  db: Database;
  contracts: ServedContracts;
  /** Each source of contracts and whether it is served (`/readyz` lists them too). */
  contractSources: ContractSourceStatus[];
  /** The oauth2 scopes of the catalogue's contract directories, known to the gateway alongside Concord's. */
  externalScopes: ReadonlySet<string>;
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
    const opening = openDatabase(config, concordTemplate());
    // Awaited below; until then a failure must not count as an unhandled rejection.
    opening.catch(() => {});
    // Registered before anything else can fail, so a failed start still closes a database that opened meanwhile.
    cleanup.push(async () => (await opening.catch(() => undefined))?.close());

    // Before listen, because routes must exist then: generated/ when it matches contracts/, else a manifest built
    // here; and each contract directory of the catalogue, loaded and compiled now (a broken one is left out).
    const catalogue = config.catalogue;
    const served = await resolveServedRoutes({ root: config.root, catalogue, generated: { routes, contractsDigest }, logger });
    checkpoint();

    let started = false;
    const metrics = createGatewayMetrics();
    // The catalogue's upstreams (concord.yaml): pools, TLS files and credentials set up once, here.
    const catalogueUpstreams = loadCatalogueUpstreams(catalogue, metrics);
    if (catalogueUpstreams) cleanup.push(() => catalogueUpstreams.close());
    // Only consulted once started, when `opening` has resolved. Modules add their dependencies as they are wired.
    const readiness = createReadinessRegistry({ database: async () => void (await (await opening).query('SELECT 1')) });
    // Listed, not judged: one catalogue upstream being down must not take this instance (and every other API) out.
    if (catalogueUpstreams) {
      readiness.addGroup(() => Object.fromEntries(Object.entries(catalogueUpstreams.states()).map(([name, s]) => [`upstream:${name}`, s])));
    }
    const app = buildApp({
      logger,
      ...(config.trustProxy !== undefined ? { trustProxy: config.trustProxy } : {}),
      isStarted: () => started,
      readiness,
      readinessDetails: () => ({ contracts: served.contracts }),
    });
    // Routes come from the generated manifest and must exist before listen; the start-up gate holds them
    // at 503 until the contracts are checked and the database is ready.
    const runtime = lateBound<GatewayRuntime>('gateway runtime');
    registerMetricsRoute(app, metrics.registry, config.metrics);
    const guards = createUpstreamGuards({ timeoutMs: config.upstreamTimeoutMs, metrics });
    readiness.addGroup(() => guards.statuses());
    const inProcess = inProcessUpstream(() => runtime.get().services, guards, (route) => sandboxOffReason(config, route.upstream, route.operationId));
    const remote = remoteRoles(config, guards);
    if (remote) cleanup.push(() => remote.upstreams.close());
    // Served from the catalogue wherever it runs: an operation naming a catalogue upstream, or a system operation
    // whose system `systems:` maps to one. Every role proxies it itself, so no role hands it to another first.
    const fromCatalogue = (route: RouteManifestEntry) => catalogueUpstreams?.upstreamOf(route);
    const roleOf = remote && ((route: RouteManifestEntry) => (fromCatalogue(route) ? undefined : remote.roleOf(route)));
    registerRoutes(app, buildRouteTable(served.routes), {
      policies: createPipeline(runtime.get, served.routes, metrics, config.responseValidation, placementOf(config, roleOf)),
      handlerFor: (route) => {
        const upstream = fromCatalogue(route);
        if (upstream) return catalogueUpstreams!.handlerFor(upstream, route);
        const role = roleOf?.(route);
        return role ? remote!.upstreams.handlerFor(role, route) : inProcess(route);
      },
    });
    const portalServed = servesPortal(config.role);
    if (portalServed) await registerPortalStatic(app, { distDir: PORTAL_DIST_DIR });
    // Closed first on shutdown (in-flight requests drain while the runtime and database are still there), and
    // at its place in `undo` when start-up fails.
    let appClosed: Promise<void> | undefined;
    const closeApp = () => (appClosed ??= app.close());
    cleanup.push(closeApp);
    await app.listen({ host: config.host, port: config.port });
    const metricsListener = await startMetricsListener(metrics.registry, config.metrics);
    if (metricsListener) {
      cleanup.push(() => metricsListener.close());
      onStep(`metrics on ${metricsListener.url}`);
    }
    checkpoint();
    const { port } = app.server.address() as AddressInfo;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    onStep(`listening on ${url} (ready once start-up completes)`);

    // Built only when portal/web changed since the last build (about half a second); a failed build leaves /portal/
    // answering 503 `portal-not-built` while the APIs run.
    const portalBuilt = portalServed
      ? ensurePortalBuilt({ log: { info: onStep } }).catch((err: Error) => logger.error({ err }, 'the developer portal could not be built'))
      : Promise.resolve();
    // Not parsed and validated again when unchanged: generated/ was made from validated contracts (`concord generate`,
    // checked in CI by `generate --check`), and the digest proves these are those, byte for byte. Changed ones were
    // loaded and checked above, to serve them from a manifest built at start-up.
    const [contracts, db] = await Promise.all([served.packageSet ? servedFromContractSet(served.packageSet, served.routes) : loadServedContracts(config.root), opening]);
    checkpoint();
    onStep(`${contracts.operations.length} operations and ${contracts.events.length} events loaded`);
    const applied = await migrate(db, CONCORD_MIGRATIONS);
    onStep(applied.length ? `applied ${applied.length} migration(s)` : 'database schema up to date');
    checkpoint();
    // The contracts may be a scratch copy (tests, `--root`); the generated clients are always this package's.
    const apiCatalogue = createLazyCatalogueService({
      contractsRoot: config.root,
      generatedRoot: PACKAGE_ROOT,
      external: served.externalSets.flatMap((set) => set.files),
    });
    const instance = await registerInstance(db, { logger });
    cleanup.push(() => instance.close());
    const gateway = await createGatewayRuntime({
      config,
      db,
      logger,
      knownScopes: new Set([...contracts.scopes, ...served.externalScopes]),
      metrics,
      catalogue: apiCatalogue,
      readiness,
      instance,
    });
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
      contractSources: served.contracts,
      externalScopes: served.externalScopes,
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

/**
 * The catalogue's upstreams (concord.yaml): pools, TLS files and credentials set up once, here. Loaded only when
 * there are any: without a catalogue no route is proxied, and undici stays unloaded (issue 20, lazy loading).
 */
function loadCatalogueUpstreams(catalogue: Config['catalogue'], metrics: ReturnType<typeof createGatewayMetrics>) {
  if (Object.keys(catalogue.upstreams).length === 0) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { catalogueUpstreamOf, createCatalogueUpstreams } = require('../../gateway/upstream/catalogue-upstream') as typeof CatalogueUpstream;
  const upstreams = createCatalogueUpstreams(catalogue, { metrics });
  return { ...upstreams, upstreamOf: (route: RouteManifestEntry) => catalogueUpstreamOf(catalogue, route) };
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
  // undici is loaded only here: the other roles and the embedded default start without it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createHttpUpstreams } = require('../../gateway/upstream/http') as typeof HttpUpstream;
  const upstreams = createHttpUpstreams({ process: { name: 'process', url: config.processUrl! }, system: { name: 'system', url: config.systemUrl! } }, { guards });
  return { upstreams, roleOf: (route: RouteManifestEntry) => ROLE_OF_UPSTREAM[route.upstream] };
}

function placementOf(config: Config, roleOf?: (route: RouteManifestEntry) => string | undefined): PipelinePlacement {
  if (config.role === 'all') return { hop: 'all' };
  // CONCORD_GATEWAY_IDEMPOTENCY=1: no route counts as remote for idempotency, so the gateway enforces it on all.
  if (config.role === 'gateway') return { hop: 'edge', remote: (route) => !config.gatewayIdempotency && roleOf?.(route) !== undefined };
  return { hop: 'service' };
}

