import type { Queryable } from '../../platform/db/database';
import { RegistryError } from './errors';
import { PLAN_NAME_PATTERN } from './ids';
import type { Plan } from './types';

/** The defaults from the admin contract; burst is twice the rate, as in its examples. */
export const DEFAULT_PLANS: readonly Plan[] = Object.freeze([
  { name: 'sandbox', ratePerSecond: 10, burst: 20, description: 'Default for new apps; sandbox systems only. 10 requests per second.' },
  { name: 'partner', ratePerSecond: 100, burst: 200, description: 'Approved partners in production. 100 requests per second.' },
  { name: 'internal', ratePerSecond: 1000, burst: 2000, description: "Concord's own channels (web store, POS, call centre). 1000 requests per second." },
]);

/** Per plan name: changes to a default plan, or a whole new plan (which then needs `ratePerSecond`). */
export type PlanOverrides = Readonly<Record<string, Partial<Omit<Plan, 'name'>>>>;

const positiveInt = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 1;

/** The configured plans: the defaults with `overrides` applied. A changed rate without a burst keeps burst = 2 × rate. */
export function resolvePlans(overrides: PlanOverrides = {}): Plan[] {
  const byName = new Map(DEFAULT_PLANS.map((p) => [p.name, { ...p }]));
  for (const [name, change] of Object.entries(overrides)) {
    if (!PLAN_NAME_PATTERN.test(name)) throw new RegistryError('invalid', `plan name '${name}' does not match ${PLAN_NAME_PATTERN}`);
    const base = byName.get(name);
    const ratePerSecond = change.ratePerSecond ?? base?.ratePerSecond;
    if (!positiveInt(ratePerSecond)) throw new RegistryError('invalid', `plan '${name}' needs a ratePerSecond that is a positive integer`);
    const burst = change.burst ?? (change.ratePerSecond !== undefined || !base ? 2 * ratePerSecond : base.burst);
    if (!positiveInt(burst)) throw new RegistryError('invalid', `plan '${name}' needs a burst that is a positive integer`);
    // A default's description names its rate, so it goes when the rate changes without a new description.
    const description = change.description ?? (change.ratePerSecond === undefined ? base?.description : undefined);
    byName.set(name, { name, ratePerSecond, burst, ...(description === undefined ? {} : { description }) });
  }
  return [...byName.values()];
}

/**
 * Writes the configured plans (defaults plus `overrides`), replacing stored values, so a configuration change
 * takes effect on the next start. Plans no longer configured are left alone: apps may still reference them.
 */
export async function seedPlans(db: Queryable, overrides?: PlanOverrides): Promise<Plan[]> {
  const plans = resolvePlans(overrides);
  for (const p of plans) {
    await db.query(
      `INSERT INTO concord.plans (name, rate_per_second, burst, description) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET rate_per_second = EXCLUDED.rate_per_second, burst = EXCLUDED.burst,
                                        description = EXCLUDED.description`,
      [p.name, p.ratePerSecond, p.burst, p.description ?? null],
    );
  }
  return plans;
}

interface PlanRow {
  name: string;
  rate_per_second: number;
  burst: number;
  description: string | null;
}

const toPlan = (r: PlanRow): Plan => ({
  name: r.name,
  ratePerSecond: r.rate_per_second,
  burst: r.burst,
  ...(r.description === null ? {} : { description: r.description }),
});

/** Slowest first, as the admin contract lists them. */
export async function listPlans(db: Queryable): Promise<Plan[]> {
  const { rows } = await db.query<PlanRow>('SELECT name, rate_per_second, burst, description FROM concord.plans ORDER BY rate_per_second, name');
  return rows.map(toPlan);
}

export async function getPlan(db: Queryable, name: string): Promise<Plan | undefined> {
  const { rows } = await db.query<PlanRow>('SELECT name, rate_per_second, burst, description FROM concord.plans WHERE name = $1', [name]);
  return rows[0] && toPlan(rows[0]);
}
