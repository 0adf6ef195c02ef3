import type { Migration } from '../platform/db/migrate';
import { erpMigrations } from './erp/migrations';
import { posMigrations } from './pos/migrations';
import { wmsMigrations } from './wms/migrations';

/** The sandbox systems' tables, each system in its own schema (`erp`, `wms`, `pos`). */
export const systemMigrations: readonly Migration[] = [...erpMigrations, ...wmsMigrations, ...posMigrations];
