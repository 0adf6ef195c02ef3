import type { SeverityConfig } from './severity';
import type { JsonObject } from '../../codegen/contracts/types';

export interface DeprecationPolicy {
  /** YYYY-MM-DD: the day the review runs, so that "too soon" and "after sunset" are reproducible. */
  today: string;
  /** The least notice a sunset must give, in days. */
  minSunsetDays: number;
  /** The repository's rule levels (its severity file), if it has one. */
  severity?: SeverityConfig;
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
  return { deprecated, ...(sunset ? { sunset: parseSunset(sunset) ?? sunset } : {}) };
}

export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export const isPast = (sunset: string, policy: DeprecationPolicy): boolean => sunset <= policy.today;

/** A sunset is a day; RFC 3339 date-times (oasdiff's reading) are accepted and cut to their day. */
export function parseSunset(value: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(value.trim());
  if (!m) return undefined;
  const day = `${m[1]}-${m[2]}-${m[3]}`;
  const d = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== day ? undefined : day;
}

export type SunsetVerdict = 'ok' | 'missing' | 'unparsable' | 'too-soon';

/**
 * Judges a deprecation's sunset against the policy. A missing sunset is only a problem while a minimum notice is
 * set (`minSunsetDays` above 0, the default 180); moving a sunset later never shortens notice.
 */
export function judgeSunset(sunset: string | undefined, previous: string | undefined, policy: DeprecationPolicy): SunsetVerdict {
  if (sunset === undefined) return policy.minSunsetDays > 0 ? 'missing' : 'ok';
  const day = parseSunset(sunset);
  if (!day) return 'unparsable';
  const before = previous === undefined ? undefined : parseSunset(previous);
  if (previous !== undefined && before === undefined) return 'unparsable';
  if ((before === undefined || day < before) && isTooSoon(day, policy)) return 'too-soon';
  return 'ok';
}

export const isTooSoon = (sunset: string, policy: DeprecationPolicy): boolean => sunset < addDays(policy.today, policy.minSunsetDays);
