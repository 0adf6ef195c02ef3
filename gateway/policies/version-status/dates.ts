/**
 * The dates of a version's lifecycle: read from the contract (RFC 3339) and written as HTTP header values.
 * Everything here runs once per route at start-up.
 */

/** What `x-sunset` and the deprecation dates accept: a full date, optionally with a time and an offset. */
export const RFC3339_DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2}))?$';
const RFC3339_DATE = new RegExp(RFC3339_DATE_PATTERN);

/**
 * An RFC 3339 date or date-time as an instant. A bare date (`2027-06-30`) is the start of that day in UTC: the
 * Sunset header then names exactly the instant from which the gateway answers 410, so header and behaviour agree.
 * Returns undefined for anything else, including impossible dates such as `2027-02-30`.
 */
export function parseContractDate(value: string): Date | undefined {
  if (!RFC3339_DATE.test(value)) return undefined;
  // ECMAScript reads a date-only ISO string as UTC, and a date-time without an offset is not accepted by the pattern.
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return undefined;
  // Date rolls `2027-02-30` over to March 2nd; the calendar date must survive the round trip.
  if (value.length === 10 && date.toISOString().slice(0, 10) !== value) return undefined;
  return date;
}

/** RFC 9745 `Deprecation`: a structured-field Date (RFC 9651 §3.3.7), `@` and whole seconds since the epoch. */
export const formatDeprecation = (at: Date): string => `@${Math.floor(at.getTime() / 1000)}`;

/** RFC 8594 `Sunset`: an HTTP-date, always in the IMF-fixdate form (`Wed, 30 Jun 2027 00:00:00 GMT`). */
export const formatSunset = (at: Date): string => at.toUTCString();
