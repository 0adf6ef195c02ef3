/** The bench's results: the summary of the runs, the ratios and targets, as a Markdown table and as JSON. */
import type { SkippedTarget } from './target';
import type { WrkResult } from './wrk';

export type Method = 'GET' | 'POST';

export interface Measurement extends WrkResult {
  target: string;
  method: Method;
  connections: number;
  run: number;
  /** Peak summed VmRSS of the measured process tree during this run, MB (the upstream's for `direct`). */
  peakRssMB: number;
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
  targetsCheck: Array<{ measure: string; target: string; measured: string; met: boolean | null }>;
  measurements: Measurement[];
  /** With --cpu-prof: where Concord's CPU time went during the runs. */
  profile?: {
    target: string;
    error?: string;
    totalMs?: number;
    functions?: Array<{ fn: string; where: string; selfMs: number; percent: number; via: string }>;
    areas?: Array<{ area: string; percent: number }>;
  };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

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
  return out;
}

/** The issue's targets for the gateway overhead (issue 9, part 6); measured, never asserted. */
export function targetsCheck(summary: SummaryRow[], r: Results['ratios']): Results['targetsCheck'] {
  const worst = (name: string) => {
    const values = r.filter((x) => x.name === name && x.value !== null).map((x) => x.value!);
    return values.length ? Math.min(...values) : null;
  };
  const eg = worst('Concord ÷ express-gateway');
  const nginx = worst('Concord ÷ nginx');
  const p99s = summary.filter((s) => s.target === 'concord' && s.connections === 10).map((s) => s.p99ms);
  const p99 = p99s.length ? Math.max(...p99s) : null;
  return [
    { measure: 'Concord full chain ÷ express-gateway full chain (req/s, worst case)', target: '≥ 10×', measured: eg === null ? 'n/a' : `${eg}×`, met: eg === null ? null : eg >= 10 },
    { measure: 'Concord full chain ÷ nginx bare proxy (req/s, worst case)', target: '≥ 0.8×', measured: nginx === null ? 'n/a' : `${nginx}×`, met: nginx === null ? null : nginx >= 0.8 },
    { measure: 'Concord p99 at 10 connections (worst of GET, POST)', target: '≤ 5 ms', measured: p99 === null ? 'n/a' : `${p99} ms`, met: p99 === null ? null : p99 <= 5 },
  ];
}

function table(header: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function summaryTable(summary: SummaryRow[]): string {
  return table(
    ['configuration', 'method', 'conns', 'req/s', 'req/s per run', 'p50 ms', 'p99 ms', 'peak RSS MB', 'errors'],
    summary.map((s) => [s.label, s.method, s.connections, s.rps, s.rpsPerRun.join(' / '), s.p50ms, s.p99ms, s.peakRssMB, s.errors]),
  );
}

export function markdown(results: Results): string {
  const e = results.environment;
  const ratioRows = results.ratios.map((r) => [r.name, r.method, r.connections, r.value === null ? 'n/a' : `${r.value}×`]);
  return [
    `# Gateway overhead vs peers — ${e.date}`,
    '',
    `\`npm run bench${e.settings.quick || e.settings.cpuProf ? ` --${e.settings.quick ? ' --quick' : ''}${e.settings.cpuProf ? ' --cpu-prof' : ''}` : ''}\` on ${e.cpus} CPU(s) (${e.cpuModel}), ${e.os}. Loopback; wrk -t ${e.settings.wrkThreads}, ` +
      `${e.settings.seconds} s per run, ${e.settings.runs} run(s) per configuration (interleaved), ${e.settings.warmupSeconds} s warm-up per configuration and method. ` +
      'Load generator, gateway and upstream share the same cores.',
    '',
    `Versions: ${Object.entries(e.versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    '',
    '## Results',
    '',
    'req/s: mean of the runs; p50: mean; p99: worst run; peak RSS: the measured process (and its children) during the runs, sampled every 100 ms ' +
      '(for `direct`, the upstream itself); errors: non-2xx responses plus socket errors, over all runs.',
    '',
    summaryTable(results.summary),
    '',
    '## Ratios (req/s)',
    '',
    table(['ratio', 'method', 'conns', 'value'], ratioRows),
    '',
    '## Targets (issue 9, measured, not asserted)',
    '',
    table(
      ['measure', 'target', 'measured', 'met'],
      results.targetsCheck.map((t) => [t.measure, t.target, t.measured, t.met === null ? 'n/a' : t.met ? 'yes' : 'no']),
    ),
    '',
    '## Configurations',
    '',
    ...results.targets.flatMap((t) => [`- **${t.label}**${t.version && !t.label.includes(t.version) ? ` (${t.version})` : ''}`, ...t.notes.map((n) => `  - ${n}`)]),
    ...results.skipped.map((s) => `- **${s.label}: not measured.** ${s.reason}`),
    '',
    'Every configuration serves `GET /v2/orders/ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3` (the upstream answers 200 with about 300 bytes of JSON) and ' +
      '`POST /v2/orders` with the same order body and a fresh Idempotency-Key per request (`bench/wrk/post-order.lua`; the upstream answers 201).',
    '',
    `Checks before measuring: \`${JSON.stringify(results.checks)}\``,
    '',
    ...profileSection(results.profile),
  ].join('\n');
}

function profileSection(profile: Results['profile']): string[] {
  if (!profile) return [];
  if (profile.error || !profile.functions) return ['## CPU profile', '', profile.error ?? 'no profile', ''];
  return [
    `## CPU profile of ${profile.target} (node --cpu-prof, ${profile.totalMs} ms sampled; figures above are slowed by the profiler)`,
    '',
    'By area (self time):',
    '',
    table(['area', '% self'], (profile.areas ?? []).map((a) => [a.area, a.percent])),
    '',
    'Top functions by self time:',
    '',
    table(['function', 'where', 'self ms', '% self', 'mostly via'], profile.functions.map((f) => [f.fn, f.where ? `\`${f.where}\`` : '', f.selfMs, f.percent, f.via ? `\`${f.via}\`` : ''])),
    '',
  ];
}
