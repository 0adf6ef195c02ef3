/** Opaque page cursors: the last id of the page, base64url-encoded so clients do not build them. */
export const encodeCursor = (lastId: string): string => Buffer.from(lastId, 'utf8').toString('base64url');

/** Undefined without a cursor, null for one this API did not issue. */
export function decodeCursor(cursor: string | undefined): string | undefined | null {
  if (cursor === undefined) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  return /^ret_[0-9A-Za-z]{8,40}$/.test(id) ? id : null;
}
