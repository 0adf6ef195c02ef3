import type { Database } from '../../platform/db/database';

/** What every sandbox system's handlers work with. */
export interface SystemDeps {
  db: Database;
  /** The clock every stored timestamp comes from, injectable for tests. */
  now: () => Date;
}

/** The sandbox systems, each with its own database schema of the same name. */
export const SYSTEMS = ['erp', 'wms', 'pos'] as const;
export type SystemName = (typeof SYSTEMS)[number];

/** How problems and the CLI name each system. */
export const SYSTEM_LABEL: Record<SystemName, string> = { erp: 'ERP', wms: 'WMS', pos: 'POS' };
