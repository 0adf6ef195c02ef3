/**
 * Fault injection for the vendor stub, so the adapter's tests can show what it does when the vendor misbehaves.
 * `slow` and `lose-response` still perform the write: those are the faults that make a naive adapter post twice
 * (the caller sees a timeout or a dropped connection although the vendor booked the document).
 */
export type VendorFaultMode = 'none' | 'down' | 'slow' | 'flaky' | 'throttle' | 'lose-response';

export interface VendorFaults {
  mode: VendorFaultMode;
  /** slow: how long each answer is held back. */
  delayMs?: number;
  /** flaky: the share of requests answered 503 (without doing anything). */
  failureRate?: number;
  /** throttle: what the vendor's X-Ledgerline-Wait header says, in milliseconds. */
  waitMs?: number;
  /** The fault applies to this many requests, then the stub behaves again (an outage that ends). */
  times?: number;
}

const MODES: readonly VendorFaultMode[] = ['none', 'down', 'slow', 'flaky', 'throttle', 'lose-response'];

/** Parses a fault configuration from a PUT body or the VENDOR_FAULT env var (`mode[:n]`, e.g. `down:3`). */
export function parseFaults(input: unknown): VendorFaults {
  if (typeof input === 'string') {
    const [mode, times] = input.split(':');
    return parseFaults({ mode, ...(times ? { times: Number(times) } : {}) });
  }
  const f = input as Partial<VendorFaults> | null;
  if (!f || !MODES.includes(f.mode as VendorFaultMode)) throw new Error(`fault mode must be one of ${MODES.join(', ')}`);
  for (const k of ['delayMs', 'failureRate', 'waitMs', 'times'] as const) {
    if (f[k] !== undefined && (typeof f[k] !== 'number' || !(f[k]! >= 0))) throw new Error(`${k} must be a non-negative number`);
  }
  return { ...f, mode: f.mode! };
}

export class FaultState {
  private current: VendorFaults = { mode: 'none' };

  constructor(private readonly random: () => number = Math.random) {}

  set(faults: VendorFaults): void {
    this.current = faults;
  }

  get(): VendorFaults {
    return this.current;
  }

  /**
   * The fault this request meets (consuming one of `times`), or undefined. `slow` and `lose-response` hit writes
   * only: they stand for a booking whose confirmation does not arrive, and a lost lookup would only hide that.
   */
  take(method: string): VendorFaults | undefined {
    const f = this.current;
    if (f.mode === 'none') return undefined;
    if ((f.mode === 'slow' || f.mode === 'lose-response') && method !== 'POST') return undefined;
    if (f.mode === 'flaky' && this.random() >= (f.failureRate ?? 0.5)) return undefined;
    if (f.times !== undefined) {
      if (f.times <= 1) this.current = { mode: 'none' };
      else this.current = { ...f, times: f.times - 1 };
    }
    return f;
  }
}
