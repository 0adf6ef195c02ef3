import type { Queryable } from '../../../platform/db/database';
import { lockOrCreate } from '../../../platform/db/lock-or-create';
import type { InventoryUpdate } from './inventory-update';

export type SequenceVerdict = { kind: 'duplicate' } | { kind: 'stale'; closedGap: boolean } | { kind: 'next'; gap?: { from: number; to: number } };

type Key = Pick<InventoryUpdate, 'source' | 'sku' | 'locationId'>;
const keyParams = (k: Key) => [k.source, k.sku, k.locationId];

/**
 * Judges one update's sequence against the last applied from its source for its SKU × location, and records it.
 * Call under the position's row lock, which serializes every update of the position.
 * - seen before (applied or stale): duplicate;
 * - below the last applied: stale, and it closes the gap it was missing from;
 * - above last + 1: a gap [last + 1, sequence − 1] opens; the very first sequence of a key opens none, because
 *   nothing says where the source started.
 */
export async function judgeSequence(tx: Queryable, u: InventoryUpdate, now: Date): Promise<SequenceVerdict> {
  const row = await lockOrCreate(
    async () =>
      (
        await tx.query<{ last_sequence: number | string }>(
          'SELECT last_sequence FROM inventory.source_sequences WHERE source = $1 AND sku = $2 AND location_id = $3 FOR UPDATE',
          keyParams(u),
        )
      ).rows[0],
    () => tx.query('INSERT INTO inventory.source_sequences (source, sku, location_id, last_sequence) VALUES ($1, $2, $3, 0) ON CONFLICT DO NOTHING', keyParams(u)),
  );
  const last = Number(row?.last_sequence ?? 0);
  // `<=`: the last applied sequence itself is a duplicate while remembered, and stale once pruned, never new.
  const stale = u.sourceSequence <= last;
  const seen = await tx.query(
    `INSERT INTO inventory.seen_updates (source, sku, location_id, source_sequence, outcome, seen_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT DO NOTHING RETURNING 1`,
    [...keyParams(u), u.sourceSequence, stale ? 'stale' : 'applied', now],
  );
  if (seen.rows.length === 0) return { kind: 'duplicate' };
  if (stale) return { kind: 'stale', closedGap: await closeGap(tx, u) };

  await tx.query('UPDATE inventory.source_sequences SET last_sequence = $4, updated_at = $5 WHERE source = $1 AND sku = $2 AND location_id = $3', [
    ...keyParams(u),
    u.sourceSequence,
    now,
  ]);
  if (last === 0 || u.sourceSequence === last + 1) return { kind: 'next' };
  const gap = { from: last + 1, to: u.sourceSequence - 1 };
  await tx.query(
    'INSERT INTO inventory.sequence_gaps (source, sku, location_id, from_sequence, to_sequence, detected_at) VALUES ($1, $2, $3, $4, $5, $6)',
    [...keyParams(u), gap.from, gap.to, now],
  );
  return { kind: 'next', gap };
}

/**
 * Forgets sequences seen before `before`, a batch at a time; returns how many. The last applied sequence of each
 * key lives on in `source_sequences`, so a forgotten one that arrives again is judged stale (ignored) instead of
 * duplicate: only which counter it lands in changes.
 */
export async function pruneSeenUpdates(db: Queryable, before: Date, batch = 5_000): Promise<number> {
  const { rows } = await db.query<{ n: string | number }>(
    `WITH gone AS (
       DELETE FROM inventory.seen_updates WHERE (source, sku, location_id, source_sequence) IN (
         SELECT source, sku, location_id, source_sequence FROM inventory.seen_updates WHERE seen_at < $1 LIMIT $2)
       RETURNING 1)
     SELECT count(*) AS n FROM gone`,
    [before, batch],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Removes the arrived sequence from the open gap holding it, splitting the range around it. */
async function closeGap(tx: Queryable, u: InventoryUpdate): Promise<boolean> {
  const { rows } = await tx.query<{ from_sequence: number | string; to_sequence: number | string; detected_at: Date | string }>(
    `DELETE FROM inventory.sequence_gaps WHERE source = $1 AND sku = $2 AND location_id = $3 AND from_sequence <= $4 AND to_sequence >= $4
     RETURNING from_sequence, to_sequence, detected_at`,
    [...keyParams(u), u.sourceSequence],
  );
  const gap = rows[0];
  if (!gap) return false;
  const from = Number(gap.from_sequence);
  const to = Number(gap.to_sequence);
  const rest = [
    [from, u.sourceSequence - 1],
    [u.sourceSequence + 1, to],
  ].filter(([a, b]) => a! <= b!);
  for (const [a, b] of rest) {
    await tx.query(
      'INSERT INTO inventory.sequence_gaps (source, sku, location_id, from_sequence, to_sequence, detected_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [...keyParams(u), a, b, gap.detected_at],
    );
  }
  return true;
}
