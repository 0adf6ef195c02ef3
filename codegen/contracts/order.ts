/** Ordinal string order. Not localeCompare: generated output and the contracts digest must not depend on the locale. */
export const compareOrdinal = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
