import type { Database } from '../platform/db/database';
import type { SystemName } from './common/deps';
import { seedErp } from './erp/seed';
import { seedPos } from './pos/seed';
import { seedOnce } from './sandbox/seed-once';
import { seedWms } from './wms/seed';

/**
 * Seeds the sandbox systems' demo data (system-apis/demo-data.ts) on their first start only: a system seeded
 * before is left as it is, so running this again changes nothing. Returns the systems seeded by this call.
 * Needs `systemMigrations` applied.
 */
export async function seedSandbox(db: Database, systems: readonly SystemName[] = ['erp', 'wms', 'pos']): Promise<SystemName[]> {
  return db.transaction(async (tx) => {
    const seeded: SystemName[] = [];
    // Only the systems the sandbox serves: one a real system serves (concord.yaml `systems:`) gets no demo data.
    if (systems.includes('erp') && (await seedOnce(tx, 'erp', seedErp))) seeded.push('erp');
    if (systems.includes('wms') && (await seedOnce(tx, 'wms', seedWms))) seeded.push('wms');
    if (systems.includes('pos') && (await seedOnce(tx, 'pos', seedPos))) seeded.push('pos');
    return seeded;
  });
}
