/** Conversions from database rows to the contracts' JSON shapes, the same on pg and PGlite. */

// pg and PGlite both parse timestamptz into Date; accept a string too in case a driver is configured not to.
export const iso = (v: Date | string): string => new Date(v).toISOString();

export const isoOrUndefined = (v: Date | string | null): string | undefined => (v === null ? undefined : iso(v));

// pg returns int8 as a string, PGlite as a number or bigint; every amount and sequence fits a double exactly.
export const num = (v: number | string | bigint): number => Number(v);

/** `{ [key]: value }` when there is a value, else nothing: the contracts' optional fields are never null. */
export function opt<K extends string, V>(key: K, value: V | null | undefined): { [P in K]?: V } {
  return (value === null || value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** JSON for a jsonb parameter. */
export const json = (v: unknown): string => JSON.stringify(v);
