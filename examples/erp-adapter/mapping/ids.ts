/**
 * The vendor numbers its documents (sales documents 1000000001…, credit documents 9000000001…, stock postings
 * 4900000001…). erp.v1 ids carry a prefix and digits (`SO-000042`), so the mapping is a pure function both ways:
 * no lookup table is needed to translate an id, and an id the vendor never issued is recognised as such.
 */
const format = (prefix: string) => (n: number): string => `${prefix}-${String(n).padStart(6, '0')}`;
const parse = (prefix: string) => (id: string): number | undefined => {
  const m = new RegExp(`^${prefix}-(\\d{6,12})$`).exec(id);
  return m ? Number(m[1]) : undefined;
};

export const salesOrderId = format('SO');
export const vbelnOf = parse('SO');
export const creditMemoId = format('CM');
export const adjustmentId = format('IA');

/** An opaque page cursor over a vendor key; base64url so a caller does not build cursors by hand. */
export const encodeCursor = (key: string | number): string => Buffer.from(String(key)).toString('base64url');
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!key || key.length > 64) throw new Error('malformed cursor');
  return key;
}
