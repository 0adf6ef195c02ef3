import type { Queryable } from '../../platform/db/database';
import { getPlan, listPlans } from '../apps/plans';
import type { Plan } from '../apps/types';

/** The plans the admin API shows. Plans come from configuration (seeded at start-up), not from the registry. */
export interface PlanReader {
  list(): Promise<Plan[]>;
  get(name: string): Promise<Plan | undefined>;
}

export const planReader = (db: Queryable): PlanReader => ({ list: () => listPlans(db), get: (name) => getPlan(db, name) });
