import type { Queryable } from '../../platform/db/database';
import type { SystemName } from '../common/deps';

/**
 * Runs `seed` in the caller's transaction unless the system was seeded before, and says whether it ran. The marker
 * row is inserted first: a second instance starting at the same time waits on it, then finds it and skips.
 */
export async function seedOnce(tx: Queryable, system: SystemName, seed: (tx: Queryable) => Promise<void>): Promise<boolean> {
  const { rows } = await tx.query(`INSERT INTO ${system}.sandbox_seed (id) VALUES (true) ON CONFLICT (id) DO NOTHING RETURNING id`);
  if (rows.length === 0) return false;
  await seed(tx);
  return true;
}
