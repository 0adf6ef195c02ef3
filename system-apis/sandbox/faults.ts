import type { Database } from '../../platform/db/database';
import type { components } from '../../generated/types/system/erp.v1';
import type { SystemName } from '../common/deps';

/** The contract's SandboxFaultConfig, shared by the ERP, WMS and POS contracts (they reference ERP's). */
export type FaultConfig = components['schemas']['SandboxFaultConfig'];
export type FaultMode = FaultConfig['mode'];

/** The fault as kept in memory: only the fields its mode uses, and an absolute end instead of a duration. */
interface ActiveFault {
  mode: FaultMode;
  delayMs?: number;
  retryAfterSeconds: number;
  failureRate?: number;
  /** Epoch ms at which the fault resets to `none`. */
  endsAt?: number;
}

/** What the fault means for one request. */
export type FaultVerdict =
  | { kind: 'pass' }
  | { kind: 'delay'; ms: number }
  | { kind: 'unavailable'; mode: 'down' | 'flaky'; retryAfterSeconds: number; failureRate?: number }
  | { kind: 'throttled'; retryAfterSeconds: number };

export interface FaultClock {
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** In [0, 1): a flaky fault fails the request when this is below its failure rate. */
  random: () => number;
}

export interface FaultController {
  readonly system: SystemName;
  readonly clock: FaultClock;
  /** The fault in force now; `durationSeconds` is the time left before the automatic reset. */
  current(): Promise<FaultConfig>;
  /** Replaces the fault: stored in the system's schema (so it survives a restart), then applied in memory. */
  set(config: FaultConfig): Promise<FaultConfig>;
  /**
   * The verdict for one request of a faulted operation. The stored fault is read once, on first use; after that
   * this is memory only, since it is on every request's path.
   */
  judge(): Promise<FaultVerdict>;
}

const DEFAULT_RETRY_AFTER_S = 1;
/** What a 503 of the `down` fault asks clients to wait when the fault has no end set. */
const DOWN_RETRY_AFTER_S = 5;

const NONE: ActiveFault = { mode: 'none', retryAfterSeconds: DEFAULT_RETRY_AFTER_S };

interface FaultRow {
  mode: FaultMode;
  delay_ms: number | null;
  retry_after_seconds: number;
  failure_rate: number | null;
  ends_at: Date | string | null;
}

/** The fault a configuration asks for, from the moment `nowMs`; fields other modes use are dropped. */
function activate(config: FaultConfig, nowMs: number): ActiveFault {
  if (config.mode === 'none') return NONE;
  const fault: ActiveFault = { mode: config.mode, retryAfterSeconds: DEFAULT_RETRY_AFTER_S };
  if (config.mode === 'slow') fault.delayMs = config.delayMs ?? 0;
  if (config.mode === 'throttle') fault.retryAfterSeconds = config.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_S;
  if (config.mode === 'flaky') fault.failureRate = config.failureRate ?? 0;
  if (config.durationSeconds !== undefined) fault.endsAt = nowMs + config.durationSeconds * 1000;
  return fault;
}

function fromRow(row: FaultRow | undefined): ActiveFault {
  if (!row) return NONE;
  return {
    mode: row.mode,
    retryAfterSeconds: row.retry_after_seconds,
    ...(row.delay_ms === null ? {} : { delayMs: row.delay_ms }),
    ...(row.failure_rate === null ? {} : { failureRate: Number(row.failure_rate) }),
    ...(row.ends_at === null ? {} : { endsAt: new Date(row.ends_at).getTime() }),
  };
}

const secondsLeft = (endsAt: number, nowMs: number): number => Math.max(1, Math.ceil((endsAt - nowMs) / 1000));

/**
 * The fault injection of one sandbox system (`<system>.sandbox_faults`). One instance per system and process:
 * the setter writes the row and then the memory copy, and requests read only the memory copy. Another instance
 * sharing the database sees a change on its next start. Nothing is read until first use, so the systems can be
 * built synchronously at start-up.
 */
export function createFaultController(db: Database, system: SystemName, clock: FaultClock): FaultController {
  const table = `${system}.sandbox_faults`;
  let fault: ActiveFault = NONE;
  let loading: Promise<void> | undefined;
  // Setters run one at a time, so the stored row and the memory copy always end on the same fault.
  let setting: Promise<unknown> = Promise.resolve();

  const ready = (): Promise<void> =>
    (loading ??= db.query<FaultRow>(`SELECT mode, delay_ms, retry_after_seconds, failure_rate, ends_at FROM ${table} WHERE id`).then(
      ({ rows }) => {
        fault = fromRow(rows[0]);
      },
      (err: unknown) => {
        loading = undefined; // the next request tries again
        throw err;
      },
    ));

  /** The fault in force at `nowMs`: one whose end has passed is `none`. */
  const inForce = (nowMs: number): ActiveFault => {
    if (fault.endsAt !== undefined && fault.endsAt <= nowMs) fault = NONE;
    return fault;
  };

  const describe = (f: ActiveFault, nowMs: number): FaultConfig => ({
    mode: f.mode,
    ...(f.delayMs === undefined ? {} : { delayMs: f.delayMs }),
    retryAfterSeconds: f.retryAfterSeconds,
    ...(f.failureRate === undefined ? {} : { failureRate: f.failureRate }),
    ...(f.endsAt === undefined ? {} : { durationSeconds: secondsLeft(f.endsAt, nowMs) }),
  });

  const store = async (config: FaultConfig): Promise<FaultConfig> => {
    await ready();
    const nowMs = clock.now().getTime();
    const next = activate(config, nowMs);
    await db.query(
      `INSERT INTO ${table} (id, mode, delay_ms, retry_after_seconds, failure_rate, ends_at, updated_at)
       VALUES (true, $1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET mode = EXCLUDED.mode, delay_ms = EXCLUDED.delay_ms,
         retry_after_seconds = EXCLUDED.retry_after_seconds, failure_rate = EXCLUDED.failure_rate,
         ends_at = EXCLUDED.ends_at, updated_at = EXCLUDED.updated_at`,
      [
        next.mode,
        next.delayMs ?? null,
        next.retryAfterSeconds,
        next.failureRate ?? null,
        next.endsAt === undefined ? null : new Date(next.endsAt),
        new Date(nowMs),
      ],
    );
    fault = next;
    return describe(next, nowMs);
  };

  return {
    system,
    clock,
    async current() {
      await ready();
      const nowMs = clock.now().getTime();
      return describe(inForce(nowMs), nowMs);
    },
    set(config) {
      const done = setting.then(
        () => store(config),
        () => store(config),
      );
      setting = done.catch(() => undefined);
      return done;
    },
    async judge() {
      await ready();
      const nowMs = clock.now().getTime();
      const f = inForce(nowMs);
      switch (f.mode) {
        case 'none':
          return { kind: 'pass' };
        case 'slow':
          return { kind: 'delay', ms: f.delayMs ?? 0 };
        case 'throttle':
          return { kind: 'throttled', retryAfterSeconds: f.retryAfterSeconds };
        case 'down':
          return { kind: 'unavailable', mode: 'down', retryAfterSeconds: f.endsAt === undefined ? DOWN_RETRY_AFTER_S : secondsLeft(f.endsAt, nowMs) };
        case 'flaky': {
          const failureRate = f.failureRate ?? 0;
          return clock.random() < failureRate
            ? { kind: 'unavailable', mode: 'flaky', retryAfterSeconds: DEFAULT_RETRY_AFTER_S, failureRate }
            : { kind: 'pass' };
        }
      }
    },
  };
}
