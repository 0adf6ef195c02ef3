import type { Queryable } from '../../platform/db/database';
import type { components } from '../../generated/types/process/availability.v1';
import type { ReferenceData } from '../reference-data/reference-data';
import type { AllocationRules, Channel } from './allocation';
import { channelAtpOf } from './allocation';
import { isStockingNode, networkOf, stockingNodesUnder } from './locations';
import type { PositionRow } from './positions';
import { POSITION_COLUMNS, aggregate, sellableOf, toPosition } from './positions';
import { AvailabilityRejection, badQuery, unknownLocation, unknownSku } from './problems';

type AvailabilityResponse = components['schemas']['AvailabilityResponse'];
type AvailabilityScope = components['schemas']['AvailabilityScope'];

export const MAX_SKUS = 100;

export interface AvailabilityQuery {
  skus: readonly string[];
  locationId?: string;
  region?: string;
  channel?: Channel;
}

export interface QueryDeps {
  db: Queryable;
  ref: ReferenceData;
  rules: AllocationRules;
  now: () => Date;
}

/** The scope's node and the stocking nodes whose positions it sums, or the 422 the contract declares. */
function resolveScope(ref: ReferenceData, q: AvailabilityQuery, where: string): { scope: AvailabilityScope; nodes: string[] } {
  if (q.locationId !== undefined) {
    const l = ref.location(q.locationId);
    if (!l) throw unknownLocation(`${q.locationId} is not a location.`, `${where}locationId`, 'unknown location');
    if (!isStockingNode(l)) throw unknownLocation(`${q.locationId} is a ${l.type}; use region, or neither for the network.`, `${where}locationId`, 'not a stocking node');
    return { scope: { locationId: l.id, type: l.type }, nodes: [l.id] };
  }
  if (q.region !== undefined) {
    const r = ref.location(q.region);
    if (!r || r.type !== 'region') throw unknownLocation(`${q.region} is not a region.`, `${where}region`, 'not a region');
    return { scope: { locationId: r.id, type: 'region' }, nodes: stockingNodesUnder(ref, r.id).map((l) => l.id) };
  }
  const net = networkOf(ref);
  if (!net) throw unknownLocation('The location hierarchy has no network yet.', `${where}region`, 'no network');
  return { scope: { locationId: net.id, type: 'network' }, nodes: stockingNodesUnder(ref, net.id).map((l) => l.id) };
}

/**
 * Availability of up to 100 SKUs over a stocking node, a region or the network: each node's position, their sum,
 * and with a channel what that channel may still promise (the sum of its per-node channel ATP, because channel
 * reservations are checked per node). `where` prefixes the error pointers (`#/query/` or `/`).
 */
export async function queryAvailability(deps: QueryDeps, q: AvailabilityQuery, where: string): Promise<AvailabilityResponse> {
  if (q.skus.length > MAX_SKUS) {
    throw new AvailabilityRejection(400, 'too-many-skus', 'Too many SKUs', `At most ${MAX_SKUS} SKUs per availability query; ${q.skus.length} were given.`, [
      { pointer: `${where}skus`, message: `at most ${MAX_SKUS}` },
    ]);
  }
  if (q.locationId !== undefined && q.region !== undefined) throw badQuery('Give locationId or region, not both.', `${where}region`, 'mutually exclusive with locationId');
  const skus = [...new Set(q.skus)];
  skus.forEach((sku, i) => {
    if (!deps.ref.item(sku)) throw unknownSku(sku, where === '/' ? `/skus/${i}` : `${where}skus`);
  });
  const { scope, nodes } = resolveScope(deps.ref, q, where);

  const { rows } = await deps.db.query<PositionRow & { channel_reserved: number }>(
    `SELECT ${POSITION_COLUMNS.split(', ').map((c) => `p.${c}`).join(', ')}, COALESCE(c.held, 0)::int AS channel_reserved
       FROM inventory.positions p
       LEFT JOIN (SELECT sku, location_id, SUM(quantity - consumed)::int AS held FROM inventory.reservations
                   WHERE status = 'active' AND channel = $3 AND sku = ANY($1::text[]) AND location_id = ANY($2::text[])
                   GROUP BY sku, location_id) c ON c.sku = p.sku AND c.location_id = p.location_id
      WHERE p.sku = ANY($1::text[]) AND p.location_id = ANY($2::text[])
      ORDER BY p.sku, p.location_id`,
    [skus, nodes, q.channel ?? null],
  );
  const bySku = new Map<string, Array<PositionRow & { channel_reserved: number }>>();
  for (const r of rows) bySku.set(r.sku, [...(bySku.get(r.sku) ?? []), r]);

  const rule = q.channel ? deps.rules[q.channel] : undefined;
  return {
    scope,
    ...(q.channel ? { channel: q.channel } : {}),
    asOf: deps.now().toISOString(),
    items: skus.map((sku) => {
      const found = bySku.get(sku) ?? [];
      const positions = found.map(toPosition);
      const item = { sku, positions, total: aggregate(sku, scope.locationId, positions) };
      if (!rule) return item;
      const channelAtp = found.reduce(
        (sum, r, i) => sum + channelAtpOf(rule, { sellable: sellableOf(r), atp: positions[i]!.atp, channelReserved: Number(r.channel_reserved) }),
        0,
      );
      return { ...item, channelAtp };
    }),
  };
}
