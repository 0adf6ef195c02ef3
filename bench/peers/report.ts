/** The bench's results: the summary of the runs, the ratios and targets, as a Markdown table and as JSON. */
import type { CpuShare } from './cpu-share';
import type { PlatformResults, PlatformRow } from './platform-report';
import { platformMarkdown, table } from './platform-report';
import type { SkippedTarget } from './target';
import { GATEWAY_KEYS } from './target';
import type { WrkResult } from './wrk';

export type Method = 'GET' | 'POST';

export interface Measurement extends WrkResult {
  target: string;
  method: Method;
  connections: number;
  run: number;
  /** Peak summed VmRSS of the measured process tree during this run, MB (the upstream's for `direct`). */
  peakRssMB: number;
  /** CPU per process group during the run: `measured` (the configuration), `upstream`, wrk, PostgreSQL, other. */
  cpu?: CpuShare;
}

export interface SummaryRow {
  target: string;
  label: string;
  method: Method;
  connections: number;
  runs: number;
  /** Mean over the runs. */
  rps: number;
  p50ms: number;
  /** The worst run's p99. */
  p99ms: number;
  peakRssMB: number;
  /** Non-2xx responses plus socket errors over all runs: 0 when every request succeeded. */
  errors: number;
  rpsPerRun: number[];
  /** Means over the runs, % of one core: the configuration's processes, the upstream, wrk, PostgreSQL, anything else. */
  cpu?: { measured: number; upstream: number; wrk: number; postgresql: number; other: number; machineBusyPercent: number };
}

export interface Environment {
  date: string;
  cpus: number;
  cpuModel: string;
  os: string;
  versions: Record<string, string>;
  settings: { seconds: number; runs: number; warmupSeconds: number; connections: number[]; wrkThreads: number; quick: boolean; cpuProf: boolean };
}

export interface Results {
  environment: Environment;
  targets: Array<{ key: string; label: string; version?: string; notes: string[] }>;
  skipped: SkippedTarget[];
  checks: Record<string, unknown>;
  summary: SummaryRow[];
  ratios: Array<{ method: Method; connections: number; name: string; value: number | null }>;
  targetsCheck: TargetCheck[];
  measurements: Measurement[];
  /** Order intake, availability queries and inventory ingest (issue 9, parts 3 and 4). */
  platform?: PlatformResults;
  /** With --cpu-prof: where Concord's CPU time went, per profiled configuration or section. */
  profiles?: ProfileSummary[];
  /** Without --cpu-prof: the latest profile run's findings for the targets not met. */
  whereTimeGoes?: { source: string; date: string; concord: string; profiles: ProfileSummary[] };
}

export interface TargetCheck {
  measure: string;
  target: string;
  measured: string;
  met: boolean | null;
  /** The profile (ProfileSummary.target) that shows where this measure's time goes. */
  profile: string;
}

export interface ProfileSummary {
  /** `concord` (the gateway peer, whole process) or a section and backend, e.g. `orders-production` (its runs only). */
  target: string;
  label: string;
  error?: string;
  totalMs?: number;
  functions?: Array<{ fn: string; where: string; selfMs: number; percent: number; via: string }>;
  areas?: Array<{ area: string; percent: number }>;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

function cpuMeans(cpus: CpuShare[]): { cpu?: SummaryRow['cpu'] } {
  if (!cpus.length) return {};
  const avg = (f: (c: CpuShare) => number) => Math.round(mean(cpus.map(f)));
  const g = (name: string) => avg((c) => c.groups[name] ?? 0);
  return { cpu: { measured: g('measured'), upstream: g('upstream'), wrk: g('wrk'), postgresql: g('postgresql'), other: g('other'), machineBusyPercent: avg((c) => c.machineBusyPercent) } };
}

export function summarise(measurements: Measurement[], labels: Map<string, string>): SummaryRow[] {
  const groups = new Map<string, Measurement[]>();
  for (const m of measurements) {
    const k = `${m.target}|${m.method}|${m.connections}`;
    groups.set(k, [...(groups.get(k) ?? []), m]);
  }
  return [...groups.values()].map((ms) => {
    const first = ms[0]!;
    return {
      target: first.target,
      label: labels.get(first.target) ?? first.target,
      method: first.method,
      connections: first.connections,
      runs: ms.length,
      rps: Math.round(mean(ms.map((m) => m.rps))),
      p50ms: round(mean(ms.map((m) => m.p50ms))),
      p99ms: round(Math.max(...ms.map((m) => m.p99ms))),
      peakRssMB: Math.max(...ms.map((m) => m.peakRssMB)),
      errors: ms.reduce((a, m) => a + m.non2xx + m.socketErrors, 0),
      rpsPerRun: ms.map((m) => m.rps),
      ...cpuMeans(ms.map((m) => m.cpu).filter((c): c is CpuShare => c !== undefined)),
    };
  });
}

export function ratios(summary: SummaryRow[]): Results['ratios'] {
  const out: Results['ratios'] = [];
  const find = (target: string, method: Method, connections: number) => summary.find((r) => r.target === target && r.method === method && r.connections === connections);
  for (const row of summary.filter((r) => r.target === 'concord' || r.target === 'concord-no-idem')) {
    const who = row.target === 'concord' ? 'Concord' : 'Concord without idempotency';
    for (const [peer, name] of [
      ['nginx', `${who} ÷ nginx`],
      ['express-gateway', `${who} ÷ express-gateway`],
      ['direct', `${who} ÷ direct`],
    ] as const) {
      const other = find(peer, row.method, row.connections);
      out.push({ method: row.method, connections: row.connections, name, value: other && other.rps > 0 ? round(row.rps / other.rps) : null });
    }
  }
  // Issue 16: a catalogue upstream within 10 % of the role-to-role hop, same requests, same upstream.
  for (const row of summary.filter((r) => r.target === 'concord-erp-catalogue')) {
    const other = find('concord-erp-role', row.method, row.connections);
    out.push({ method: row.method, connections: row.connections, name: 'catalogue upstream ÷ system-role hop (erp.v1)', value: other && other.rps > 0 ? round(row.rps / other.rps) : null });
  }
  return out;
}

/** The issue's targets (issue 9, part 6); measured, never asserted. A measure not run is `n/a`. */
export function targetsCheck(summary: SummaryRow[], r: Results['ratios'], platform: PlatformRow[] = []): TargetCheck[] {
  const worst = (name: string) => {
    const values = r.filter((x) => x.name === name && x.value !== null).map((x) => x.value!);
    return values.length ? Math.min(...values) : null;
  };
  const best = (section: PlatformRow['section'], backend: PlatformRow['backend']) => {
    const rates = platform.filter((p) => p.section === section && p.backend === backend).map((p) => p.rate);
    return rates.length ? Math.max(...rates) : null;
  };
  const eg = worst('Concord ÷ express-gateway');
  const nginx = worst('Concord ÷ nginx');
  const p99s = summary.filter((s) => s.target === 'concord' && s.connections === 10).map((s) => s.p99ms);
  const p99 = p99s.length ? Math.max(...p99s) : null;
  const orders = best('orders', 'production');
  const availEmbedded = best('availability', 'embedded');
  const availProduction = best('availability', 'production');
  const check = (measure: string, target: string, value: number | null, unit: string, met: (v: number) => boolean, profile: string): TargetCheck => ({
    measure,
    target,
    measured: value === null ? 'n/a' : `${value.toLocaleString('en-US')}${unit}`,
    met: value === null ? null : met(value),
    profile,
  });
  return [
    check('Concord full chain ÷ express-gateway full chain (req/s, worst case)', '≥ 10×', eg, '×', (v) => v >= 10, 'concord'),
    check('Concord full chain ÷ nginx bare proxy (req/s, worst case)', '≥ 0.8×', nginx, '×', (v) => v >= 0.8, 'concord'),
    check('Concord p99 at 10 connections (worst of GET, POST)', '≤ 5 ms', p99, ' ms', (v) => v <= 5, 'concord'),
    check('Order intake on PostgreSQL + Redis + NATS (orders/s, best connection count)', '≥ 1,000 orders/s', orders, ' orders/s', (v) => v >= 1000, 'orders-production'),
    check('Availability queries, PostgreSQL + Redis + NATS (req/s, best connection count)', '≥ 10,000 req/s', availProduction, ' req/s', (v) => v >= 10_000, 'availability-production'),
    check('Availability queries, embedded default (req/s, best connection count)', '≥ 10,000 req/s', availEmbedded, ' req/s', (v) => v >= 10_000, 'availability-embedded'),
  ];
}

export function summaryTable(summary: SummaryRow[]): string {
  return table(
    ['configuration', 'method', 'conns', 'req/s', 'req/s per run', 'p50 ms', 'p99 ms', 'peak RSS MB', 'errors', 'CPU %: it / upstream / wrk / PostgreSQL / other'],
    summary.map((s) => [
      s.label,
      s.method,
      s.connections,
      s.rps,
      s.rpsPerRun.join(' / '),
      s.p50ms,
      s.p99ms,
      s.peakRssMB,
      s.errors,
      s.cpu ? `${s.cpu.measured} / ${s.cpu.upstream} / ${s.cpu.wrk} / ${s.cpu.postgresql} / ${s.cpu.other}` : 'n/a',
    ]),
  );
}

export function targetsTable(checks: TargetCheck[]): string {
  return table(
    ['measure', 'target', 'measured', 'met'],
    checks.map((t) => [t.measure, t.target, t.measured, t.met === null ? 'n/a' : t.met ? 'yes' : '**no**']),
  );
}

export function markdown(results: Results): string {
  const e = results.environment;
  const flags = `${e.settings.quick ? ' --quick' : ''}${e.settings.cpuProf ? ' --cpu-prof' : ''}`;
  return [
    `# Concord benchmarks — ${e.date}`,
    '',
    `\`npm run bench${flags ? ` --${flags}` : ''}\` on ${e.cpus} CPU(s) (${e.cpuModel}), ${e.os}. Everything on loopback: load generator (wrk), ` +
      'Concord, upstream and PostgreSQL / Redis / NATS share the same cores, and other work on the machine adds noise (the per-run figures show how much).',
    '',
    `Versions: ${Object.entries(e.versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    '',
    '## Targets (issue 9, measured, not asserted)',
    '',
    targetsTable(results.targetsCheck),
    '',
    ...gatewaySection(results),
    ...(results.platform ? platformMarkdown(results.platform) : []),
    ...whereTimeGoesSection(results),
    ...(results.profiles ?? []).flatMap((p) => profileSection(p, results.environment.settings.cpuProf)),
  ].join('\n');
}

function gatewaySection(results: Results): string[] {
  const e = results.environment;
  const skipped = results.skipped.filter((s) => GATEWAY_KEYS.includes(s.key));
  if (!results.targets.length && !skipped.length) return [];
  const ratioRows = results.ratios.map((r) => [r.name, r.method, r.connections, r.value === null ? 'n/a' : `${r.value}×`]);
  return [
    '## Gateway overhead vs peers',
    '',
    `wrk -t ${e.settings.wrkThreads}, ${e.settings.seconds} s per run, ${e.settings.runs} run(s) per configuration (interleaved), ${e.settings.warmupSeconds} s warm-up per configuration and method. ` +
      'req/s: mean of the runs; p50: mean; p99: worst run; peak RSS: the measured process (and its children) during the runs, sampled every 100 ms ' +
      '(for `direct`, the upstream itself); errors: non-2xx responses plus socket errors, over all runs. CPU: mean % of one core during the runs ' +
      '(from /proc, each run minus its first and last half second) of the configuration\'s processes, the upstream, wrk, PostgreSQL (Concord\'s ' +
      'idempotency) and everything else on the machine ("other": the noise of other work).',
    '',
    summaryTable(results.summary),
    '',
    'Ratios (req/s):',
    '',
    table(['ratio', 'method', 'conns', 'value'], ratioRows),
    '',
    'Configurations:',
    '',
    ...results.targets.flatMap((t) => [`- **${t.label}**${t.version && !t.label.includes(t.version) ? ` (${t.version})` : ''}`, ...t.notes.map((n) => `  - ${n}`)]),
    ...skipped.map((s) => `- **${s.label}: not measured.** ${s.reason}`),
    '',
    'Every configuration serves `GET /v2/orders/ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3` (the upstream answers 200 with about 300 bytes of JSON) and ' +
      '`POST /v2/orders` with the same order body and a fresh Idempotency-Key per request (`bench/wrk/post-order.lua`; the upstream answers 201).',
    '',
    `Checks before measuring: \`${JSON.stringify(results.checks)}\``,
    '',
  ];
}

/** For each target not met, the matching profile of the latest `--cpu-prof` run: where the CPU time goes. */
function whereTimeGoesSection(results: Results): string[] {
  const w = results.whereTimeGoes;
  const unmet = results.targetsCheck.filter((t) => t.met === false);
  if (!unmet.length) return [];
  const out = ['## Where the time goes (targets not met)', ''];
  if (!w) {
    return [...out, 'No profile run found: `npm run bench -- --cpu-prof --runs 1 --only concord,orders-production,availability-production,availability-embedded` writes one.', ''];
  }
  out.push(
    `From the profile run of ${w.date} (concord ${w.concord}, \`${w.source}\`): V8's sampling profiler inside Concord during the runs, ` +
      'which samples wall time on the event loop thread. Self time by area (package, top-level folder, or native frames), then the top functions. ' +
      '`(idle)`: the event loop waiting on I/O (PostgreSQL, Redis, NATS, the client); `writev`, `writeUtf8String`, `writeBuffer`: socket writes, ' +
      'where on loopback the kernel delivers to the receiving process inside the call, and on a saturated machine the thread also waits for a core there; ' +
      '`wasm`: PGlite\'s PostgreSQL on the embedded default, undici\'s HTTP parser (llhttp) in a gateway; `(garbage collector)`, `(program)`: V8 itself. The CPU per process and the round trips per request of the ' +
      'measured runs are in "CPU and round trips" above.',
    '',
  );
  for (const key of [...new Set(unmet.map((t) => t.profile))]) {
    const measures = unmet.filter((t) => t.profile === key).map((t) => t.measure);
    const p = w.profiles.find((x) => x.target === key);
    out.push(`### ${measures.join('; ')}`, '', ...costLine(results, key));
    if (!p || !p.functions) {
      out.push(p?.error ?? `The profile run did not profile \`${key}\`.`, '');
      continue;
    }
    out.push(...profileTables(p, 10, 12));
  }
  return out;
}

/** For a platform section's target: its CPU cost per unit in this run, and the ceiling that cost implies. */
function costLine(results: Results, key: string): string[] {
  const [section, backend] = key.split('-');
  const rows = (results.platform?.rows ?? []).filter((r) => r.section === section && r.backend === backend && r.cost.cpu);
  const best = rows.sort((a, b) => b.rate - a.rate)[0];
  const c = best?.cost.cpu;
  if (!best || !c) return [];
  return [
    `In this run (${best.connections} connections, ${best.rate.toLocaleString('en-US')} per second): ${c.concordMsPer} ms of Concord CPU and ` +
      `${c.stackMsPer} ms for the whole stack per ${best.cost.per}, ` +
      (backend === 'embedded' ? 'PGlite running inside that CPU time; ' : `${best.cost.pgQueriesPer} PostgreSQL queries and ${best.cost.redisCommandsPer} Redis commands; `) +
      `the machine was ${c.machineBusyPercent} % busy, ${c.groups.other} % of one core of it other work. At that cost the stack tops out near ` +
      `${c.ceilingPerSecond.toLocaleString('en-US')} per second even with the machine to itself.`,
    '',
  ];
}

function profileTables(p: ProfileSummary, areas: number, functions: number): string[] {
  return [
    `${p.label}: ${p.totalMs} ms sampled.`,
    '',
    table(['area', '% self'], (p.areas ?? []).slice(0, areas).map((a) => [a.area, a.percent])),
    '',
    table(['function', 'where', 'self ms', '% self', 'mostly via'], (p.functions ?? []).slice(0, functions).map((f) => [f.fn, f.where ? `\`${f.where}\`` : '', f.selfMs, f.percent, f.via ? `\`${f.via}\`` : ''])),
    '',
  ];
}

function profileSection(profile: ProfileSummary, cpuProf: boolean): string[] {
  const head = `## CPU profile: ${profile.label}${cpuProf ? ' (figures above are slowed by the profiler)' : ''}`;
  if (profile.error || !profile.functions) return [head, '', profile.error ?? 'no profile', ''];
  return [head, '', ...profileTables(profile, 15, 25)];
}
