/**
 * The vendor stamps documents with a date (YYYYMMDD) and a time (HHMMSS) in two fields, in UTC (the vendor's
 * system time zone, configured so); erp.v1 wants one RFC 3339 timestamp.
 */
export function toTimestamp(date: string, time = '000000'): string {
  if (!/^\d{8}$/.test(date) || !/^\d{6}$/.test(time)) throw new Error(`vendor date '${date}' / time '${time}' is malformed`);
  return `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${time.slice(0, 2)}:${time.slice(2, 4)}:${time.slice(4, 6)}Z`;
}
