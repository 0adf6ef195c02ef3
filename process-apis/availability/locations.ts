import type { NetworkLocation, ReferenceData } from '../reference-data/reference-data';

/** Stock is held and reserved at stocking nodes only: never at the network or a region (contract). */
export const isStockingNode = (l: NetworkLocation): boolean => l.type !== 'network' && l.type !== 'region';

/** The stocking nodes under `rootId`, at any depth, by id. */
export function stockingNodesUnder(ref: ReferenceData, rootId: string): NetworkLocation[] {
  const children = new Map<string, NetworkLocation[]>();
  for (const l of ref.locations()) {
    if (!l.parentId) continue;
    const list = children.get(l.parentId) ?? [];
    list.push(l);
    children.set(l.parentId, list);
  }
  const out: NetworkLocation[] = [];
  const visit = (id: string, seen: Set<string>) => {
    for (const c of children.get(id) ?? []) {
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      if (isStockingNode(c)) out.push(c);
      visit(c.id, seen);
    }
  };
  visit(rootId, new Set([rootId]));
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The root of the hierarchy (`NET` in the sandbox). */
export const networkOf = (ref: ReferenceData): NetworkLocation | undefined => ref.locations().find((l) => l.type === 'network');

/** Every location, parents before children (by depth, then id), as `listLocations` answers them. */
export function hierarchyOrder(ref: ReferenceData): NetworkLocation[] {
  const depth = (l: NetworkLocation): number => {
    let d = 0;
    for (let p = l.parentId; p && d < 16; p = ref.location(p)?.parentId) d += 1;
    return d;
  };
  return [...ref.locations()].sort((a, b) => depth(a) - depth(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
