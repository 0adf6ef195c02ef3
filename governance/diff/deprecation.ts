import type { JsonObject } from '../../codegen/contracts/types';

export interface DeprecationPolicy {
  /** YYYY-MM-DD: the day the review runs, so that "too soon" and "after sunset" are reproducible. */
  today: string;
  /** The least notice a sunset must give, in days. */
  minSunsetDays: number;
}

export const DEFAULT_MIN_SUNSET_DAYS = 180;

export interface Deprecation {
  deprecated: boolean;
  sunset?: string;
}

/** An operation is deprecated on its own or with its whole document (orders.v1 says so at the root). */
export function deprecationOf(op: JsonObject, doc: JsonObject): Deprecation {
  const deprecated = op.deprecated === true || doc['x-concord-deprecated'] === true;
  const sunset = typeof op['x-sunset'] === 'string' ? op['x-sunset'] : typeof doc['x-sunset'] === 'string' ? doc['x-sunset'] : undefined;
  return { deprecated, ...(sunset ? { sunset: sunset.slice(0, 10) } : {}) };
}

export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export const isPast = (sunset: string, policy: DeprecationPolicy): boolean => sunset <= policy.today;

export const isTooSoon = (sunset: string, policy: DeprecationPolicy): boolean => sunset < addDays(policy.today, policy.minSunsetDays);
