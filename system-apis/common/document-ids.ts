/**
 * Human-readable document numbers as the contracts' patterns want them (`SO-000042`, `^SO-[0-9]{6,12}$`): a
 * sequence value, zero-padded to six digits. Only the canonical spelling names a document, so `SO-0000042`
 * is not another name for `SO-000042`.
 */

export const formatDocId = (prefix: string, no: number): string => `${prefix}-${String(no).padStart(6, '0')}`;

/** The sequence number behind a document id, or undefined when the id is not the canonical one of this prefix. */
export function docNo(prefix: string, id: string): number | undefined {
  const m = /^([A-Z]+)-([0-9]{6,12})$/.exec(id);
  if (!m || m[1] !== prefix) return undefined;
  const no = Number(m[2]);
  return Number.isSafeInteger(no) && no > 0 && formatDocId(prefix, no) === id ? no : undefined;
}
