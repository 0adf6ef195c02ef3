import type { CircuitBreaker } from '../http/circuit-breaker';

/** How one dependency is doing, as `/readyz` reports it. */
export type DependencyStatus = 'ok' | 'degraded' | 'down';

/**
 * One check. Resolving with nothing means `ok`; throwing (or not answering within the registry's timeout) means
 * `down`. A check that knows better (a reconnecting bus, a half-open breaker) returns the status itself.
 */
export type ReadinessCheck = () => Promise<DependencyStatus | void>;

/** Several dependencies known only at run time (e.g. each upstream's breaker), by name. */
export type ReadinessGroup = () => Record<string, DependencyStatus> | Promise<Record<string, DependencyStatus>>;

export interface ReadinessReport {
  /** False when an essential dependency is down: `/readyz` answers 503. */
  ready: boolean;
  /** `ok` when everything is ok, `degraded` when something is degraded or a non-essential dependency is down. */
  status: 'ok' | 'degraded' | 'down';
  checks: Record<string, DependencyStatus>;
}

export interface ReadinessRegistry {
  /**
   * Adds a named check. `essential` (the default) means the instance cannot serve without it: when it is `down`
   * the instance is not ready. A non-essential dependency only degrades the report (its work waits or falls back).
   */
  add(name: string, check: ReadinessCheck, opts?: { essential?: boolean }): void;
  /** Adds a group of checks named at run time; they are never essential. */
  addGroup(group: ReadinessGroup): void;
  evaluate(onFailure?: (name: string, err: unknown) => void): Promise<ReadinessReport>;
}

const CHECK_TIMEOUT_MS = 2000;

/** The dependencies `/readyz` reports. Every module that owns a dependency adds its check at wiring time. */
export function createReadinessRegistry(initial: Record<string, ReadinessCheck> = {}, opts: { timeoutMs?: number } = {}): ReadinessRegistry {
  const timeoutMs = opts.timeoutMs ?? CHECK_TIMEOUT_MS;
  const checks = new Map<string, { check: ReadinessCheck; essential: boolean }>();
  const groups: ReadinessGroup[] = [];
  for (const [name, check] of Object.entries(initial)) checks.set(name, { check, essential: true });

  const run = async (check: ReadinessCheck): Promise<DependencyStatus> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      return (await Promise.race([check(), timeout])) ?? 'ok';
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    add(name, check, o = {}) {
      if (checks.has(name)) throw new Error(`readiness check "${name}" is already registered`);
      checks.set(name, { check, essential: o.essential ?? true });
    },
    addGroup(group) {
      groups.push(group);
    },
    async evaluate(onFailure) {
      const results = await Promise.all(
        [...checks].map(async ([name, { check, essential }]) => {
          try {
            return { name, essential, status: await run(check) };
          } catch (err) {
            onFailure?.(name, err);
            return { name, essential, status: 'down' as const };
          }
        }),
      );
      const grouped = await Promise.all(
        groups.map(async (g) => {
          try {
            return Object.entries(await g()).map(([name, status]) => ({ name, essential: false, status }));
          } catch (err) {
            onFailure?.('group', err);
            return [];
          }
        }),
      );
      const all = [...results, ...grouped.flat()];
      const ready = !all.some((r) => r.essential && r.status === 'down');
      const status = !ready ? 'down' : all.every((r) => r.status === 'ok') ? 'ok' : 'degraded';
      return { ready, status, checks: Object.fromEntries(all.map((r) => [r.name, r.status])) };
    },
  };
}

/** A circuit breaker's state as a dependency status: open is down, half-open is degraded (it is probing). */
export function breakerStatus(breaker: Pick<CircuitBreaker, 'state' | 'retryAt'>): DependencyStatus {
  const state = breaker.state();
  // Open but due for its trial call is as good as half open: the next call is let through.
  return state === 'closed' ? 'ok' : state === 'open' && breaker.retryAt() > 0 ? 'down' : 'degraded';
}
