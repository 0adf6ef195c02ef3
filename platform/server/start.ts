import type { AddressInfo } from 'node:net';
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
import { buildRouteTable } from '../../gateway/routing/route-table';
import { createPipeline } from '../../gateway/pipeline/pipeline';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { migrate } from '../db/migrate';
import { platformMigrations } from '../db/migrations';
import { openDatabase } from '../db/open';
import type { Logger } from '../logger';
import { buildApp } from './app';
import { lockDataDir } from './data-dir-lock';

export interface RunningPlatform {
  url: string;
  port: number;
  db: Database;
  contracts: ContractSet;
  /** The admin and sandbox credentials, on the very first start only. */
  bootstrap?: BootstrapResult;
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
  opts: { signal?: AbortSignal } = {},
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
    const app = buildApp({
      logger,
      isStarted: () => started,
      // Only consulted once started, when `opening` has resolved.
      readiness: { database: async () => void (await (await opening).query('SELECT 1')) },
    });
    // Routes come from the generated manifest and must exist before listen; the start-up gate holds them
    // at 503 until the contracts are checked and the database is ready.
    const runtime = lateBound<GatewayRuntime>('gateway runtime');
    const metrics = createGatewayMetrics();
    app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
    registerRoutes(app, buildRouteTable(routes), {
      policies: createPipeline(runtime.get, routes, metrics, config.responseValidation),
      handlerFor: inProcessUpstream(() => runtime.get().services),
    });
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

    const [contracts, db] = await Promise.all([loadContracts(config.root), opening]);
    checkpoint();
    if (contracts.digest !== contractsDigest) {
      throw new Error('generated/ does not match contracts/: run `npm run generate` (the gateway would serve stale routes)');
    }
    onStep(`${contracts.operations.length} operations and ${contracts.events.length} events loaded`);
    const applied = await migrate(db, [...platformMigrations, ...authMigrations, ...appMigrations, ...idempotencyMigrations]);
    onStep(applied.length ? `applied ${applied.length} migration(s)` : 'database schema up to date');
    checkpoint();
    const gateway = await createGatewayRuntime({ config, db, logger, knownScopes: contracts.scopes, metrics });
    cleanup.push(() => gateway.close());
    runtime.set(gateway);
    checkpoint();

    started = true;
    logger.info({ url, database: db.description, role: config.role }, 'concord started');
    let closing: Promise<void> | undefined;
    return {
      url,
      port,
      db,
      contracts,
      ...(gateway.bootstrap ? { bootstrap: gateway.bootstrap } : {}),
      close: () => (closing ??= closeApp().then(undo)),
    };
  } catch (err) {
    await undo();
    throw err;
  }
}
