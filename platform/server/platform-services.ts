import type { FastifyInstance } from 'fastify';
import type { Gauge, Registry } from 'prom-client';
import { createErpV1Client } from '../../generated/clients/system/erp.v1';
import { createPosV1Client } from '../../generated/clients/system/pos.v1';
import { createWmsV1Client } from '../../generated/clients/system/wms.v1';
import type { InProcessServices } from '../../gateway/upstream/in-process';
import { serveHandlers } from '../../gateway/upstream/in-process';
import { seedSandboxStock } from '../../process-apis/availability/seed';
import { createAvailabilityModule } from '../../process-apis/availability';
import { allocationRules } from '../../process-apis/availability/allocation';
import type { AvailabilityModule } from '../../process-apis/availability';
import { createOrdersModule } from '../../process-apis/orders';
import type { OrdersModule, SystemClients } from '../../process-apis/orders';
import { createReturnsModule } from '../../process-apis/returns';
import type { ReturnsModule } from '../../process-apis/returns';
import { loadReferenceData } from '../../process-apis/reference-data/reference-data';
import type { ReferenceData } from '../../process-apis/reference-data/reference-data';
import { syncReferenceData } from '../../process-apis/reference-data/sync';
import { SYSTEMS, createSandboxSystems, createSystemServices, seedSandbox, serveSystems } from '../../system-apis';
import { forwardToReturnsApi } from '../../system-apis/pos/return-forwarding';
import { createReturnsV1Client } from '../../generated/clients/process/returns.v1';
import type { ClientOptions } from 'openapi-fetch';
import { createBackgroundLoop } from '../background-loop';
import type { Config, Role } from '../config';
import type { Database, DatabaseSession } from '../db/database';
import { WAKE_CHANNELS, listenForWork } from '../db/wake-notifications';
import { createEventBackbone } from '../events/backbone';
import type { EventBackbone } from '../events/backbone';
import { appendEvents } from '../events/outbox';
import { injectFetch } from '../http/inject-fetch';
import { createOpsSummaryHandlers } from '../ops/ops-summary';
import { createSyncExceptionHandlers } from '../ops/sync-exceptions';
import type { Logger } from '../logger';

/** The base URL the generated clients are given in process; the inject transport never resolves it. */
const IN_PROCESS_BASE_URL = 'http://concord.in-process';
/** Until a first copy of ERP's reference data exists, try again this often; afterwards refresh it this often. */
const REFDATA_RETRY_MS = 5_000;
const REFDATA_REFRESH_MS = 10 * 60_000;
/** How often the sandbox POS forwards the in-store returns it could not deliver again. */
const POS_FORWARD_RETRY_MS = 10_000;

/** What each role runs (README, "Roles"). `all` is the embedded default: everything in one process. */
const RUNS: Record<Role, { system: boolean; orders: boolean; background: boolean }> = {
  all: { system: true, orders: true, background: true },
  gateway: { system: false, orders: false, background: false },
  process: { system: false, orders: true, background: false },
  system: { system: true, orders: false, background: false },
  worker: { system: false, orders: true, background: true },
};

export interface PlatformServices {
  services: InProcessServices;
  events: EventBackbone;
  /** Present in the roles that run order intake or its worker. */
  orders?: OrdersModule;
  /** Present where orders is: the returns workflow and its worker. */
  returns?: ReturnsModule;
  /** Present where order intake runs: availability shares its reservations and stock. */
  availability?: AvailabilityModule;
  /** Once the gateway answers: copies reference data from ERP and starts the background work of this role. */
  afterStart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The composition root of the process and system APIs: the sandbox systems, the event backbone, and order intake
 * with its clients to ERP, WMS and POS. On the embedded default those clients reach the systems in process,
 * through the gateway's own pipeline (`injectFetch`); with roles split, over HTTP to the system role. Either way
 * they authenticate as Concord's service identity.
 */
export async function createPlatformServices(opts: {
  config: Config;
  db: Database;
  logger: Logger;
  metrics: { registry: Registry; circuitBreakerState: Pick<Gauge<'target'>, 'set'> };
  app: () => FastifyInstance;
  serviceAuthorization: () => Promise<string>;
  background: boolean;
  now?: () => Date;
}): Promise<PlatformServices> {
  const { config, db, logger } = opts;
  const runs = RUNS[config.role];
  // Each system is the sandbox's unless the catalogue maps it to a real one (`systems:` in concord.yaml).
  const sandboxed = config.sandbox ? SYSTEMS.filter((s) => config.catalogue.systems[s] === 'sandbox') : [];
  if (sandboxed.length && runs.system) await seedSandbox(db, sandboxed);
  if (config.sandbox && runs.orders) await seedSandboxStock(db);

  const events = await createEventBackbone({ db, logger, registry: opts.metrics.registry, ...(config.natsUrl ? { natsUrl: config.natsUrl } : {}),
    ...(config.natsNamespace ? { natsNamespace: config.natsNamespace } : {}),
  });
  const services: InProcessServices = { 'admin.v1': serveHandlers({ ...events.handlers, ...createOpsSummaryHandlers(db, opts.now), ...createSyncExceptionHandlers(db, opts.now) }) };
  // The sandbox POS forwards in-store returns to Concord's returns API, as a store's POS would, and keeps
  // forwarding those it could not deliver.
  const sandbox = runs.system && sandboxed.length
    ? createSandboxSystems({ db, forwardInStoreReturn: forwardToReturnsApi(createReturnsV1Client(clientOptions(config, 'process', opts.app, opts.serviceAuthorization))) })
    : undefined;
  if (sandbox) Object.assign(services, serveSystems(sandbox, sandboxed));
  else if (runs.system) Object.assign(services, createSystemServices({ db, sandbox: false }));
  const posForwarding = createBackgroundLoop(
    async () => (sandbox ? (await sandbox.pos.retryPendingReturns({ correlationId: `pos-forward-${Date.now()}`, scopes: [] })).forwarded : 0),
    { intervalMs: POS_FORWARD_RETRY_MS, onError: (err) => logger.warn({ err }, 'forwarding pending in-store returns failed') },
  );

  let orders: OrdersModule | undefined;
  let returns: ReturnsModule | undefined;
  let availability: AvailabilityModule | undefined;
  let ref: ReferenceData | undefined;
  let clients: SystemClients | undefined;
  if (runs.orders) {
    clients = systemClients(clientOptions(config, 'system', opts.app, opts.serviceAuthorization));
    ref = await loadReferenceData(db);
    const allocation = allocationRules();
    orders = createOrdersModule({
      db,
      ref,
      allocation,
      appendEvents,
      clients,
      logger,
      metrics: opts.metrics,
      onCommitted: () => events.relay.wake(),
      ...(opts.now ? { now: opts.now } : {}),
    });
    services['orders.v1'] = serveHandlers(orders.services.v1);
    services['orders.v2'] = serveHandlers(orders.services.v2);
    returns = createReturnsModule({
      db,
      ref,
      appendEvents,
      clients,
      logger,
      registry: opts.metrics.registry,
      circuitBreakerState: opts.metrics.circuitBreakerState,
      onCommitted: () => events.relay.wake(),
      ...(opts.now ? { now: opts.now } : {}),
      createOrderDeps: orders.createOrderDeps,
    });
    services['returns.v1'] = serveHandlers(returns.services.v1);
    availability = createAvailabilityModule({
      db,
      ref,
      allocation,
      appendEvents,
      clients,
      logger,
      registry: opts.metrics.registry,
      onCommitted: () => events.relay.wake(),
      ...(opts.now ? { now: opts.now } : {}),
    });
    services['availability.v1'] = serveHandlers(availability.services.v1);
  }

  let lastCopy = 0;
  const copyReferenceData = async (): Promise<number> => {
    if (!ref || !clients) return 0;
    if (ref.ready() && Date.now() - lastCopy < REFDATA_REFRESH_MS) return 0;
    try {
      const copied = await syncReferenceData(db, clients.erp);
      await ref.reload();
      lastCopy = Date.now();
      logger.info(copied, 'reference data copied from ERP');
    } catch (err) {
      // The previous copy stays in use; without one, order intake answers 503 until a copy succeeds.
      logger.warn({ err }, 'could not copy reference data from ERP; using the stored copy');
    }
    return 0;
  };
  let workNotifications: DatabaseSession | undefined;
  const refresh = createBackgroundLoop(copyReferenceData, { intervalMs: REFDATA_RETRY_MS, onError: (err) => logger.warn({ err }, 'reference data refresh failed') });

  return {
    services,
    events,
    ...(orders ? { orders } : {}),
    ...(returns ? { returns } : {}),
    ...(availability ? { availability } : {}),
    async afterStart() {
      await copyReferenceData();
      if (!opts.background) return;
      if (ref) refresh.start();
      if (sandbox && sandboxed.includes('pos')) posForwarding.start();
      if (runs.background) {
        workNotifications = await listenForWork(
          db,
          {
            [WAKE_CHANNELS.outbox]: () => events.relay.wake(),
            ...(orders ? { [WAKE_CHANNELS.orderJobs]: () => orders!.wake() } : {}),
            ...(returns ? { [WAKE_CHANNELS.returnJobs]: () => returns!.wake() } : {}),
          },
          logger,
        );
        events.relay.start();
        orders?.start();
        returns?.start();
        availability?.start();
      }
    },
    async close() {
      await workNotifications?.close();
      await refresh.stop();
      await posForwarding.stop();
      await orders?.stop();
      await returns?.stop();
      await availability?.stop();
      await events.close();
    },
  };
}

/**
 * How a generated client reaches another part of Concord: in process through the gateway's own pipeline on the
 * embedded default, over HTTP to the role that serves it otherwise (the system role for ERP, WMS and POS, the
 * process role for the process APIs). Either way as Concord's service identity.
 */
function clientOptions(config: Config, target: 'system' | 'process', app: () => FastifyInstance, authorization: () => Promise<string>): ClientOptions {
  if (config.role === 'all') return { baseUrl: IN_PROCESS_BASE_URL, fetch: injectFetch(app, async () => ({ authorization: await authorization() })) };
  return {
    baseUrl: target === 'system' ? config.systemUrl : config.processUrl,
    fetch: async (input: Request) => {
      const headers = new Headers(input.headers);
      headers.set('authorization', await authorization());
      return fetch(new Request(input, { headers, signal: AbortSignal.timeout(config.upstreamTimeoutMs) }));
    },
  };
}

function systemClients(options: ClientOptions): SystemClients {
  return { erp: createErpV1Client(options), wms: createWmsV1Client(options), pos: createPosV1Client(options) };
}
