import type { OperationModel } from '../../codegen/contracts';

interface Route {
  op: OperationModel;
  segments: Array<{ static: string } | { pattern: RegExp; names: string[] }>;
}

export interface RouteMatch {
  op: OperationModel;
  /** Decoded path parameter values by name. */
  params: Record<string, string>;
}

export interface RouteLookup {
  match?: RouteMatch;
  /** The operations the path matches under other methods, when none serves this method. */
  otherMethods: Array<{ method: string; path: string; op: OperationModel }>;
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compile(op: OperationModel): Route {
  const segments = op.path
    .split('/')
    .slice(1)
    .map((seg) => {
      if (!seg.includes('{')) return { static: seg };
      const names: string[] = [];
      const source = seg.replace(/\{([^}]+)\}|([^{]+)/g, (_m, name: string | undefined, literal: string | undefined) => {
        if (name !== undefined) {
          names.push(name);
          return '([^/]+)';
        }
        return escapeRegex(literal ?? '');
      });
      return { pattern: new RegExp(`^${source}$`), names };
    });
  return { op, segments };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Matches concrete request paths (`/v2/orders/ord_1`) against the contracts' templated paths. Where two templates
 * match, the one with a static segment earlier wins, as in the gateway's router.
 */
export class RouteTable {
  private readonly routes: Route[];

  constructor(operations: readonly OperationModel[]) {
    this.routes = operations.map(compile);
  }

  lookup(method: string, rawPath: string): RouteLookup {
    const path = rawPath.split('?', 1)[0] ?? rawPath;
    const parts = path.split('/').slice(1);
    const hits: Array<{ route: Route; params: Record<string, string>; rank: string }> = [];
    for (const route of this.routes) {
      if (route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let rank = '';
      let ok = true;
      for (let i = 0; ok && i < parts.length; i++) {
        const seg = route.segments[i];
        const part = parts[i] as string;
        if (!seg) ok = false;
        else if ('static' in seg) {
          ok = seg.static === part;
          rank += '1';
        } else {
          const m = seg.pattern.exec(part);
          if (!m || part === '') ok = false;
          else seg.names.forEach((name, j) => (params[name] = decode(m[j + 1] ?? '')));
          rank += '0';
        }
      }
      if (ok) hits.push({ route, params, rank });
    }
    const same = hits.filter((h) => h.route.op.method.toUpperCase() === method.toUpperCase()).sort((a, b) => (a.rank < b.rank ? 1 : a.rank > b.rank ? -1 : 0));
    const best = same[0];
    if (best) return { match: { op: best.route.op, params: best.params }, otherMethods: [] };
    return { otherMethods: hits.map((h) => ({ method: h.route.op.method.toUpperCase(), path: h.route.op.path, op: h.route.op })) };
  }
}
