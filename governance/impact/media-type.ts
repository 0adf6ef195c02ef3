/** Finds the contract's entry for a media type: exact (`application/json`), then `application/*`, then `*\/*`. */
export function findMedia<T>(content: Record<string, T>, type: string): { type: string; value: T } | undefined {
  const entries = Object.entries(content).map(([k, v]) => ({ type: k, bare: k.split(';', 1)[0]?.trim().toLowerCase() ?? k, value: v }));
  const major = type.split('/', 1)[0];
  const hit = entries.find((e) => e.bare === type) ?? entries.find((e) => e.bare === `${major}/*`) ?? entries.find((e) => e.bare === '*/*');
  return hit ? { type: hit.type, value: hit.value } : undefined;
}
