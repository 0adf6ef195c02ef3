/** Order intake, availability and inventory ingest (issue 9, parts 3 and 4): their runs, summary and tables. */
import type { CpuShare } from './cpu-share';
import type { InventoryIngestRun } from './inventory-ingest';
import type { DuplicateCheck, OrderCounts } from './order-intake';
import type { Backend } from './platform';
import type { WrkResult } from './wrk';

export type PlatformSection = 'orders' | 'availability' | 'inventory';
export const PLATFORM_SECTIONS: readonly PlatformSection[] = ['orders', 'availability', 'inventory'];

/** What Concord and the machine spent on a run: CPU per process group, and Concord's round trips to its services. */
export interface RunCost {
  cpu?: CpuShare;
  /** PostgreSQL queries and Redis commands Concord sent during the run (background work included). */
  pgQueries: number;
  redisCommands: number;
}

export interface PlatformMeasurement extends WrkResult, RunCost {
  section: 'orders' | 'availability';
  backend: Backend;
  connections: number;
  run: number;
  peakRssMB: number;
  /** Order intake only: new orders per second and the client's count of each kind of answer. */
  ordersPerSecond?: number;
  counts?: OrderCounts;
}

export interface IngestMeasurement extends InventoryIngestRun, RunCost {
  backend: Backend;
  run: number;
  peakRssMB: number;
}

export interface PlatformRow {
  section: 'orders' | 'availability';
  backend: Backend;
  connections: number;
  runs: number;
  /** Orders: new orders per second; availability: req/s. Mean of the runs. */
  rate: number;
  ratePerRun: number[];
  /** Every request per second, retries included. */
  rps: number;
  p50ms: number;
  /** The worst run's p99. */
  p99ms: number;
  peakRssMB: number;
  errors: number;
  /** Orders: retries sent and answered as replays, over the runs. */
  retries?: number;
  replayed?: number;
  cost: CostSummary;
}

/** Means over the runs: CPU per process group (% of one core) and round trips per unit of work. */
export interface CostSummary {
  /** What one unit is: a request, a new order, a stock update. */
  per: string;
  pgQueriesPer: number;
  redisCommandsPer: number;
  cpu?: {
    machineBusyPercent: number;
    groups: Record<string, number>;
    concordUser: number;
    concordSys: number;
    /** CPU milliseconds per unit: Concord's, and the whole stack's (Concord, PostgreSQL, Redis, NATS and wrk; not "other"). */
    concordMsPer: number;
    stackMsPer: number;
    /**
     * Units per second if the stack had every core to itself and CPU were the only limit: the lesser of
     * cores × 1000 ÷ stackMsPer and 1000 ÷ concordMsPer (Concord's event loop is one thread).
     */
    ceilingPerSecond: number;
  };
}

export interface IngestRow {
  backend: Backend;
  runs: number;
  updates: number;
  /** Means of the runs. */
  updatesPerSecond: number;
  updatesPerSecondPerRun: number[];
  eventsPerSecond: number;
  appliedSeconds: number;
  publishedSeconds: number;
  /** Summed over the runs: events written by the updates, and messages the NATS stream gained. */
  events: number;
  busMessages?: number;
  complete: boolean;
  peakRssMB: number;
  cost: CostSummary;
}

export interface PlatformResults {
  backends: Array<{ backend: Backend; label: string; notes: string[] }>;
  measurements: PlatformMeasurement[];
  ingest: IngestMeasurement[];
  rows: PlatformRow[];
  inventory: IngestRow[];
  duplicateChecks: Partial<Record<Backend, DuplicateCheck>>;
  /** Sections that could not run (a service down, a start-up failure), and why. */
  skipped: Array<{ key: string; label: string; reason: string }>;
  settings: { seconds: number; runs: number; orderConnections: number[]; availabilityConnections: number[]; inventoryUpdates: number; availabilityPath: string };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** `rate`: units per second over the runs (mean), to turn CPU shares into CPU milliseconds per unit. */
function costOf(runs: RunCost[], units: number[], per: string, rate: number): CostSummary {
  const total = units.reduce((a, b) => a + b, 0) || 1;
  const cpus = runs.map((r) => r.cpu).filter((c): c is CpuShare => c !== undefined);
  const avg = (f: (c: CpuShare) => number) => Math.round(mean(cpus.map(f)));
  let cpu: CostSummary['cpu'];
  if (cpus.length && rate > 0) {
    const groups = Object.fromEntries(Object.keys(cpus[0]!.groups).map((g) => [g, avg((c) => c.groups[g] ?? 0)]));
    // % of one core = core-milliseconds per 10 ms, so ms per unit = percent × 10 ÷ units per second.
    const stack = Object.entries(groups).reduce((a, [g, v]) => (g === 'other' ? a : a + v), 0);
    const stackMsPer = round((stack * 10) / rate, 3);
    const concordMsPer = round(((groups.concord ?? 0) * 10) / rate, 3);
    cpu = {
      machineBusyPercent: avg((c) => c.machineBusyPercent),
      groups,
      concordUser: avg((c) => (c.groups.concord ?? 0) - (c.kernel.concord ?? 0)),
      concordSys: avg((c) => c.kernel.concord ?? 0),
      concordMsPer,
      stackMsPer,
      // Concord's JavaScript (and PGlite) run on one thread: at most about one core, whatever the machine has.
      ceilingPerSecond: stackMsPer > 0 ? Math.round(Math.min((cpus[0]!.cores * 1000) / stackMsPer, 1000 / Math.max(concordMsPer, 1e-3))) : 0,
    };
  }
  return {
    per,
    pgQueriesPer: round(runs.reduce((a, r) => a + r.pgQueries, 0) / total, 1),
    redisCommandsPer: round(runs.reduce((a, r) => a + r.redisCommands, 0) / total, 1),
    ...(cpu ? { cpu } : {}),
  };
}

function groupBy<T>(xs: T[], key: (x: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const x of xs) groups.set(key(x), [...(groups.get(key(x)) ?? []), x]);
  return [...groups.values()];
}

export function summarisePlatform(measurements: PlatformMeasurement[]): PlatformRow[] {
  return groupBy(measurements, (m) => `${m.section}|${m.backend}|${m.connections}`).map((ms) => {
    const first = ms[0]!;
    const rates = ms.map((m) => m.ordersPerSecond ?? m.rps);
    const orders = first.section === 'orders';
    return {
      section: first.section,
      backend: first.backend,
      connections: first.connections,
      runs: ms.length,
      rate: Math.round(mean(rates)),
      ratePerRun: rates,
      rps: Math.round(mean(ms.map((m) => m.rps))),
      p50ms: round(mean(ms.map((m) => m.p50ms))),
      p99ms: round(Math.max(...ms.map((m) => m.p99ms))),
      peakRssMB: Math.max(...ms.map((m) => m.peakRssMB)),
      errors: ms.reduce((a, m) => a + m.non2xx + m.socketErrors, 0),
      ...(orders ? { retries: ms.reduce((a, m) => a + (m.counts?.retries ?? 0), 0), replayed: ms.reduce((a, m) => a + (m.counts?.replayed ?? 0), 0) } : {}),
      cost: orders
        ? costOf(ms, ms.map((m) => m.counts?.created ?? 0), 'new order', mean(rates))
        : costOf(ms, ms.map((m) => m.requests), 'request', mean(rates)),
    };
  });
}

export function summariseIngest(runs: IngestMeasurement[]): IngestRow[] {
  return groupBy(runs, (r) => r.backend).map((rs) => {
    const bus = rs.map((r) => r.busMessages).filter((n): n is number => n !== undefined);
    return {
      backend: rs[0]!.backend,
      runs: rs.length,
      updates: rs[0]!.updates,
      updatesPerSecond: Math.round(mean(rs.map((r) => r.updatesPerSecond))),
      updatesPerSecondPerRun: rs.map((r) => r.updatesPerSecond),
      eventsPerSecond: Math.round(mean(rs.map((r) => r.eventsPerSecond))),
      appliedSeconds: round(mean(rs.map((r) => r.appliedSeconds))),
      publishedSeconds: round(mean(rs.map((r) => r.publishedSeconds))),
      events: rs.reduce((a, r) => a + r.events, 0),
      ...(bus.length ? { busMessages: bus.reduce((a, b) => a + b, 0) } : {}),
      complete: rs.every((r) => r.complete && r.applied === r.updates),
      peakRssMB: Math.max(...rs.map((r) => r.peakRssMB)),
      cost: costOf(rs, rs.map((r) => r.updates), 'stock update', mean(rs.map((r) => r.updatesPerSecond))),
    };
  });
}

export function table(header: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const backendName = (b: Backend) => (b === 'embedded' ? 'embedded (PGlite, in-process bus)' : 'PostgreSQL + Redis + NATS');

export function ordersTable(rows: PlatformRow[]): string {
  return table(
    ['backend', 'conns', 'orders/s', 'orders/s per run', 'req/s (with retries)', 'p50 ms', 'p99 ms', 'retries replayed', 'peak RSS MB', 'errors'],
    rows.filter((r) => r.section === 'orders').map((r) => [backendName(r.backend), r.connections, r.rate, r.ratePerRun.join(' / '), r.rps, r.p50ms, r.p99ms, `${r.replayed} of ${r.retries}`, r.peakRssMB, r.errors]),
  );
}

export function availabilityTable(rows: PlatformRow[]): string {
  return table(
    ['backend', 'conns', 'req/s', 'req/s per run', 'p50 ms', 'p99 ms', 'peak RSS MB', 'errors'],
    rows.filter((r) => r.section === 'availability').map((r) => [backendName(r.backend), r.connections, r.rate, r.ratePerRun.join(' / '), r.p50ms, r.p99ms, r.peakRssMB, r.errors]),
  );
}

export function inventoryTable(rows: IngestRow[]): string {
  return table(
    ['backend', 'updates per run', 'updates/s', 'updates/s per run', 'events/s on the bus', 'applied after s', 'all on the bus after s', 'bus messages', 'complete', 'peak RSS MB'],
    rows.map((r) => [
      backendName(r.backend),
      r.updates,
      r.updatesPerSecond,
      r.updatesPerSecondPerRun.join(' / '),
      r.eventsPerSecond,
      r.appliedSeconds,
      r.publishedSeconds,
      r.busMessages === undefined ? 'n/a (in process)' : `${r.busMessages} of ${r.events}`,
      r.complete ? 'yes' : 'NO',
      r.peakRssMB,
    ]),
  );
}

export function duplicatesTable(checks: PlatformResults['duplicateChecks']): string {
  return table(
    [
      'backend',
      'new-order answers',
      'orders stored',
      'ERP sales orders',
      'ERP caught up after s',
      'jobs pending / in exception',
      'duplicate orders',
      'duplicate ERP sales orders',
      'orders without ERP sales order',
      'ok',
      'PG queries / Redis commands per order, end to end',
    ],
    Object.entries(checks).map(([b, c]) => [
      backendName(b as Backend),
      c.createdAnswers,
      c.ordersStored,
      c.erpSalesOrders,
      c.erpDrainSeconds,
      `${c.syncJobsPending} / ${c.syncJobsInException}`,
      c.duplicateOrders,
      c.duplicateErpSalesOrders,
      c.ordersWithoutErpSalesOrder,
      c.ok ? 'yes' : 'NO',
      c.pgQueriesPerOrder === undefined || b === 'embedded' ? 'n/a' : `${c.pgQueriesPerOrder} / ${c.redisCommandsPerOrder}`,
    ]),
  );
}

const SECTION_NAME = { orders: 'order intake', availability: 'availability', inventory: 'inventory ingest' };

/** Where the time goes, measured on every run: CPU per process group, and Concord's round trips to its services. */
export function costTable(p: Pick<PlatformResults, 'rows' | 'inventory'>): string {
  const rows = [
    ...p.rows.map((r) => ({ what: `${SECTION_NAME[r.section]}, ${r.connections} conns`, backend: r.backend, cost: r.cost })),
    ...p.inventory.map((r) => ({ what: SECTION_NAME.inventory, backend: r.backend, cost: r.cost })),
  ];
  const pct = (n: number | undefined) => (n === undefined ? 'n/a' : `${n} %`);
  return table(
    [
      'section',
      'backend',
      'machine busy (all cores = 100 %)',
      'Concord (user / sys)',
      'PostgreSQL',
      'Redis',
      'NATS',
      'wrk',
      'other',
      'CPU ms per unit: Concord / whole stack',
      'ceiling with the cores to itself',
      'PG queries per unit',
      'Redis commands per unit',
    ],
    rows.map(({ what, backend, cost: c }) => [
      what,
      backendName(backend),
      pct(c.cpu?.machineBusyPercent),
      c.cpu ? `${c.cpu.groups.concord} % (${c.cpu.concordUser} / ${c.cpu.concordSys})` : 'n/a',
      pct(c.cpu?.groups.postgresql),
      pct(c.cpu?.groups.redis),
      pct(c.cpu?.groups.nats),
      pct(c.cpu?.groups.wrk),
      pct(c.cpu?.groups.other),
      c.cpu ? `${c.cpu.concordMsPer} / ${c.cpu.stackMsPer} per ${c.per}` : 'n/a',
      c.cpu ? `≈ ${c.cpu.ceilingPerSecond.toLocaleString('en-US')} /s` : 'n/a',
      backend === 'embedded' ? 'n/a (PGlite)' : `${c.pgQueriesPer} per ${c.per}`,
      backend === 'embedded' ? 'n/a' : `${c.redisCommandsPer} per ${c.per}`,
    ]),
  );
}

export function platformMarkdown(p: PlatformResults): string[] {
  const s = p.settings;
  const out: string[] = [];
  const has = (section: PlatformSection) => (section === 'inventory' ? p.inventory.length > 0 : p.rows.some((r) => r.section === section));
  if (has('orders')) {
    out.push(
      '## Order intake end to end',
      '',
      `\`POST /v2/orders\` through the full chain (ES256 JWT, scopes, rate limit, validation, idempotency, order intake with stock reservation, outbox), ` +
        `${s.seconds} s × ${s.runs} run(s) per cell after a warm-up, wrk -t 2 with \`bench/wrk/order-intake.lua\`: 10 % of the requests are retries of an ` +
        'order already answered 201, with the same Idempotency-Key and body (each must come back as its replay). One line per SKU over 200 SKUs. ' +
        'The order worker posts every order to ERP (and WMS) meanwhile, in the same process. orders/s counts new orders only; p99 covers every request.',
      '',
      ordersTable(p.rows),
      '',
      'Afterwards, once the worker had posted everything (waited for, at most 4 minutes), the database was searched for duplicates. ' +
        '"orders stored" may exceed the new-order answers by the requests still in flight when wrk stopped (at most the connections, per run); ' +
        '"retries replayed" may miss the retries still in flight then. The round trips per order end to end count everything Concord sent from ' +
        'the warm-up\'s first order until ERP had the last one (intake, posting to ERP and WMS, events, and the background polling of that ' +
        'time); those of the runs alone, in "CPU and round trips" below, leave out the posting the worker had not done yet.',
      '',
      duplicatesTable(p.duplicateChecks),
      '',
    );
  }
  if (has('availability')) {
    out.push(
      '## Availability queries',
      '',
      `\`GET ${s.availabilityPath}\` (ATP of one SKU over the whole network, per location and channel) through the full chain, ${s.seconds} s × ${s.runs} run(s) per cell.`,
      '',
      availabilityTable(p.rows),
      '',
    );
  }
  if (has('inventory')) {
    out.push(
      '## Inventory event ingest',
      '',
      'Stock updates enter Concord from the systems\' inventory feeds: the availability module polls WMS\'s inventory movements (and POS\'s and ' +
        'ERP\'s documents; every second when idle, at once again while there is work), applies each in source-sequence order to the stock ' +
        'positions that availability queries read, and writes `inventory.adjusted` (plus one coalesced `inventory.availability-changed` per ' +
        'position and pass) to the outbox; the relay publishes them to the bus. Each run writes a backlog of WMS receipts at once into the ' +
        'sandbox WMS (its table, as WMS would hold them, so that the figure is Concord\'s ingest and not WMS\'s HTTP write path), in order, ' +
        'round robin over the SKU × location positions at DC1 and DC2, and times it until every update is applied and every event is on the ' +
        'bus (outbox empty; on NATS also counted in the stream). updates/s = updates ÷ that time, which includes up to one idle poll interval (1 s).',
      '',
      inventoryTable(p.inventory),
      '',
    );
  }
  if (out.length) {
    out.push(
      '## CPU and round trips during these runs',
      '',
      'CPU time per process group from /proc, as % of one core, over each run minus its first and last half second, mean of the runs; ' +
        '"machine busy" is all cores together (100 % = both cores). Concord is one process: its JavaScript runs on one thread, so about 100 % ' +
        'means its event loop is saturated (the rest of its time is GC, libuv and kernel threads). "other" is everything else on the machine, ' +
        'such as other people\'s work. CPU ms per unit: CPU time over units done (a new order, a request, a stock update), for Concord alone and ' +
        'for the whole stack (Concord, PostgreSQL, Redis, NATS, wrk); the ceiling is what the stack could do if it had every core to itself ' +
        'and CPU were the only limit: the lesser of cores × 1000 ÷ the stack\'s ms per unit and 1000 ÷ Concord\'s (its event loop, and on ' +
        'the embedded default PGlite with it, is one thread). Round trips: PostgreSQL queries (pg; the embedded PGlite runs in process and is not counted) and Redis ' +
        'commands (ioredis; a MULTI … EXEC counts each command) that Concord sent during the runs, background work (order worker, relay, pollers) ' +
        'included, per unit of work.',
      '',
      costTable(p),
      '',
    );
  }
  for (const x of p.skipped) out.push(`**${x.label}: not measured.** ${x.reason}`, '');
  if (out.length) {
    out.push('Configurations:', '', ...p.backends.flatMap((b) => [`- **${b.label}**`, ...b.notes.map((n) => `  - ${n}`)]), '');
  }
  return out;
}
