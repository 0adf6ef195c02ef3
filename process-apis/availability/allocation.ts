import type { components } from '../../generated/types/process/availability.v1';

export type Channel = components['schemas']['Channel'];

/**
 * How much of a location's stock one channel may hold at once:
 * - `sharePercent`: that percentage of the sellable stock (on hand less safety stock, damaged and QC), rounded down;
 * - `pool`: a fixed number of units.
 * The cap counts the channel's own active reservations, so reserving does not shrink the channel's remaining
 * share twice (30 % of 10 is 3 units in total, not 3 and then 30 % of the 7 left).
 */
export type AllocationRule = { sharePercent: number } | { pool: number };

export type AllocationRules = Readonly<Record<Channel, AllocationRule>>;

/** The sandbox default (contract): the marketplace sees at most 30 % of ATP, every other channel all of it. */
export const DEFAULT_ALLOCATION: AllocationRules = {
  web: { sharePercent: 100 },
  marketplace: { sharePercent: 30 },
  pos: { sharePercent: 100 },
  callcenter: { sharePercent: 100 },
  partner: { sharePercent: 100 },
};

export function allocationRules(overrides: Partial<Record<Channel, AllocationRule>> = {}): AllocationRules {
  const rules = { ...DEFAULT_ALLOCATION, ...overrides };
  for (const [channel, rule] of Object.entries(rules)) {
    const value = 'pool' in rule ? rule.pool : rule.sharePercent;
    const max = 'pool' in rule ? Number.MAX_SAFE_INTEGER : 100;
    if (!Number.isInteger(value) || value < 0 || value > max) throw new Error(`allocation rule for ${channel}: ${JSON.stringify(rule)} is not a valid share or pool`);
  }
  return rules;
}

/** The most units the channel may hold reserved at a location whose sellable stock is `sellable`. */
export const capOf = (rule: AllocationRule, sellable: number): number =>
  'pool' in rule ? rule.pool : Math.floor((rule.sharePercent * sellable) / 100);

/**
 * What the channel may still promise at one location: its cap less what it holds, never more than the ATP left to
 * everyone. Reservations check this under the position's row lock, so a unit is committed to one channel only.
 */
export const channelAtpOf = (rule: AllocationRule, p: { sellable: number; atp: number; channelReserved: number }): number =>
  Math.max(0, Math.min(p.atp, capOf(rule, p.sellable) - p.channelReserved));
