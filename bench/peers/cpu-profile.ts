/** The top self-time functions of a V8 `.cpuprofile` (written by `node --cpu-prof`), for the bench's profile run. */
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * A script's path relative to the repo; a package's from `node_modules/` on, wherever node_modules really is (a
 * symlinked node_modules resolves outside the repo).
 */
function displayPath(url: string, root: string): string {
  if (!url.startsWith('file://')) return url;
  const path = new URL(url).pathname;
  const nm = path.lastIndexOf('/node_modules/');
  return nm >= 0 ? path.slice(nm + 1) : relative(root, path);
}

/**
 * The bench's control channel inside a profiled Concord (platform-server.ts: SQL between runs, starting and stopping
 * the profiler itself): not Concord's work, so its samples are left out.
 */
const CONTROL_CHANNEL = 'bench/peers/platform-server.ts';

/**
 * Calls `visit` with each sample's node and the time attributed to it (sample i was taken timeDeltas[i] after
 * sample i-1: that interval goes to the sampled node). Returns the total in microseconds.
 */
function forEachSample(profile: CpuProfile, visit: (node: ProfileNode, us: number) => void): number {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const excluded = new Map<number, boolean>();
  const isExcluded = (id: number): boolean => {
    const known = excluded.get(id);
    if (known !== undefined) return known;
    const up = parent.get(id);
    const result = (byId.get(id)?.callFrame.url ?? '').endsWith(CONTROL_CHANNEL) || (up !== undefined && isExcluded(up));
    excluded.set(id, result);
    return result;
  };
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (!node || isExcluded(id)) return;
    total += dt;
    visit(node, dt);
  });
  return total;
}

export interface SelfTime {
  fn: string;
  where: string;
  selfMs: number;
  percent: number;
  /** The nearest caller outside node internals and natives that accounts for most of this self time. */
  via: string;
}

/** Self time per function (summed over every call site), largest first; idle and GC are kept as V8 names them. */
export async function topSelfTime(file: string, root: string, top = 25): Promise<{ totalMs: number; functions: SelfTime[] }> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n: ProfileNode) => {
    const { functionName, url, lineNumber } = n.callFrame;
    // tsx compiles each TypeScript file to one line: the file says more than the line there.
    const file = displayPath(url, root);
    return `${functionName || '(anonymous)'} ${file.endsWith('.ts') ? file : `${file}:${lineNumber + 1}`}`;
  };
  const appCaller = (id: number): string => {
    for (let p = parent.get(id); p !== undefined; p = parent.get(p)) {
      const n = byId.get(p)!;
      const url = n.callFrame.url;
      if (url && !url.startsWith('node:')) return label(n);
    }
    return '';
  };
  const selfUs = new Map<string, { fn: string; where: string; us: number; via: Map<string, number> }>();
  const total = forEachSample(profile, (node, dt) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = displayPath(url, root);
    const where = !url ? '' : file.endsWith('.ts') ? file : `${file}:${lineNumber + 1}`;
    const key = `${functionName}|${where}`;
    const entry = selfUs.get(key) ?? { fn: functionName || '(anonymous)', where, us: 0, via: new Map<string, number>() };
    entry.us += dt;
    const via = appCaller(node.id);
    entry.via.set(via, (entry.via.get(via) ?? 0) + dt);
    selfUs.set(key, entry);
  });
  const functions = [...selfUs.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((e) => ({
      fn: e.fn,
      where: e.where,
      selfMs: Math.round(e.us / 1000),
      percent: Math.round((e.us / total) * 1000) / 10,
      via: [...e.via.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '',
    }));
  return { totalMs: Math.round(total / 1000), functions };
}

/** Self time per package or top-level directory (node_modules/<pkg>, gateway/, platform/, node: internals). */
export async function selfTimeByArea(file: string, root: string): Promise<Array<{ area: string; percent: number }>> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const areas = new Map<string, number>();
  const total = forEachSample(profile, (node, dt) => {
    const url = node.callFrame.url;
    let area: string;
    if (!url) area = node.callFrame.functionName || '(native)';
    else if (url.startsWith('node:')) area = 'node internals';
    // WebAssembly in Concord: PGlite (PostgreSQL compiled to WASM, on the event loop's thread) on the embedded
    // default, and undici's HTTP parser (llhttp) wherever Concord proxies to an upstream.
    else if (url.startsWith('wasm://')) area = "wasm (PGlite's PostgreSQL; undici's llhttp)";
    else {
      const path = displayPath(url, root);
      const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      area = nm ? nm[1]! : path.split('/').slice(0, path.startsWith('..') ? 3 : 1).join('/');
    }
    areas.set(area, (areas.get(area) ?? 0) + dt);
  });
  return [...areas.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([area, us]) => ({ area, percent: Math.round((us / total) * 1000) / 10 }));
}
