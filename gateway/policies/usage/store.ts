import type { Queryable } from '../../../platform/db/database';

/** One app's counts on one UTC day. */
export interface UsageCounts {
  /** Every answered request of the app, whatever its status. */
  requests: number;
  /** Answers with status >= 400, except 429. */
  errors: number;
  /** Answers with status 429. */
  throttled: number;
}

/** A row of `concord.gateway_usage_daily`, as the reader returns it. */
export interface UsageDay extends UsageCounts {
  clientId: string;
  /** The UTC day, `YYYY-MM-DD`. */
  day: string;
}

/** Reads the daily counts of some apps over an inclusive range of UTC days. */
export type UsageReader = (clientIds: readonly string[], fromDay: string, toDay: string) => Promise<UsageDay[]>;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar day written `YYYY-MM-DD`. */
export function isUsageDay(value: string): boolean {
  const m = DAY.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

/**
 * Adds `deltas` to the stored counts, in one statement however many rows: the rows travel as five arrays and
 * `unnest` turns them back into rows, so the statement never meets PostgreSQL's 65 535 bind-parameter limit
 * (a multi-row VALUES list of 100 000 rows would need 500 000). Each (clientId, day) must occur once in `deltas`.
 */
export async function addUsage(db: Queryable, deltas: readonly UsageDay[]): Promise<void> {
  if (deltas.length === 0) return;
  const clientIds: string[] = [];
  const days: string[] = [];
  const requests: number[] = [];
  const errors: number[] = [];
  const throttled: number[] = [];
  for (const d of deltas) {
    clientIds.push(d.clientId);
    days.push(d.day);
    requests.push(d.requests);
    errors.push(d.errors);
    throttled.push(d.throttled);
  }
  await db.query(
    `INSERT INTO concord.gateway_usage_daily AS u (client_id, day, requests, errors, throttled)
     SELECT * FROM unnest($1::text[], $2::date[], $3::bigint[], $4::bigint[], $5::bigint[])
     ON CONFLICT (client_id, day) DO UPDATE SET
       requests  = u.requests  + excluded.requests,
       errors    = u.errors    + excluded.errors,
       throttled = u.throttled + excluded.throttled`,
    [clientIds, days, requests, errors, throttled],
  );
}

interface Row {
  client_id: string;
  day: string;
  requests: string | number | bigint;
  errors: string | number | bigint;
  throttled: string | number | bigint;
}

/**
 * The stored daily counts of `clientIds` from `fromDay` to `toDay` (both included, `YYYY-MM-DD`, UTC), ordered
 * by client id then day. Days without traffic have no row. Counts not yet flushed are not included: a reader in
 * the gateway's process calls `recorder.flush()` first.
 */
export async function usageFor(db: Queryable, clientIds: readonly string[], fromDay: string, toDay: string): Promise<UsageDay[]> {
  for (const [name, value] of [['fromDay', fromDay], ['toDay', toDay]] as const) {
    if (!isUsageDay(value)) throw new RangeError(`usage: ${name} must be a day written YYYY-MM-DD, not '${value}'`);
  }
  if (clientIds.length === 0) return [];
  const { rows } = await db.query<Row>(
    `SELECT client_id, to_char(day, 'YYYY-MM-DD') AS day, requests, errors, throttled
       FROM concord.gateway_usage_daily
      WHERE client_id = ANY($1::text[]) AND day BETWEEN $2::date AND $3::date
      ORDER BY client_id, day`,
    [[...clientIds], fromDay, toDay],
  );
  // bigint arrives as a string (pg) or a bigint (PGlite); a day's counts stay far below 2^53.
  return rows.map((r) => ({ clientId: r.client_id, day: r.day, requests: Number(r.requests), errors: Number(r.errors), throttled: Number(r.throttled) }));
}
