import { appMigrations } from '../../gateway/apps';
import { authMigrations } from '../../gateway/auth';
import { idempotencyMigrations } from '../../gateway/policies/idempotency';
import { usageMigrations } from '../../gateway/policies/usage';
import { portalMigrations } from '../../portal/server';
import { availabilityMigrations, inventoryMigrations } from '../../process-apis/availability/migrations';
import { orderMigrations } from '../../process-apis/orders';
import { referenceDataMigrations } from '../../process-apis/reference-data/migrations';
import { returnMigrations } from '../../process-apis/returns';
import { systemMigrations } from '../../system-apis';
import type { Migration } from '../db/migrate';
import { wakeNotificationMigrations } from '../db/wake-notifications';
import { INSTANCE_CREATED_SQL, platformMigrations } from '../db/migrations';
import type { PgliteTemplate } from '../db/pglite-template';
import { DEFAULT_TEMPLATE_CACHE } from '../db/pglite-template';
import { eventMigrations } from '../events/outbox';

/** Every part's migrations, in the order they apply. */
export const CONCORD_MIGRATIONS: readonly Migration[] = [
  ...platformMigrations,
  ...authMigrations,
  ...appMigrations,
  ...idempotencyMigrations,
  ...usageMigrations,
  ...eventMigrations,
  ...systemMigrations,
  ...referenceDataMigrations,
  ...inventoryMigrations,
  ...availabilityMigrations,
  ...orderMigrations,
  ...returnMigrations,
  ...portalMigrations,
  // Last: its triggers go on tables the migrations above create.
  ...wakeNotificationMigrations,
];

/** The embedded database's template: Concord's schema, migrated once (`npm ci` builds it). */
export function concordTemplate(cacheDir = DEFAULT_TEMPLATE_CACHE): PgliteTemplate {
  return { migrations: CONCORD_MIGRATIONS, cacheDir, onCreate: INSTANCE_CREATED_SQL };
}
