/**
 * One pass of order intake's background loop: the sync worker, then, at its own pace, the fulfilment tracker.
 *
 * Every committed order wakes the loop so that the worker posts it to ERP and WMS at once, and the loop runs again
 * at once while the worker has work. Nodes ship on their own time, though: a new order never has a shipment yet.
 * Tracking on every pass made the tracker poll its batch of open groups after each new order, which under load
 * was about 30 % of all database queries (docs/adr/0008-postgres-round-trips.md). So the tracker runs at most every
 * `trackIntervalMs`, whatever else is going on: at the defaults, 50 groups a second per instance, so a shipment is
 * noticed within (open groups ÷ 50) seconds. It does not catch up faster when the worker is idle: the gateway may
 * still be busy with requests, and polling is the cost that would take from them.
 * Tests call the module's `runOnce`, which runs both every time.
 */
export interface BackgroundPassOptions {
  worker: { runOnce(): Promise<{ attempted: number; succeeded: number }> };
  tracker: { runOnce(): Promise<number> };
  trackIntervalMs: number;
  /** After a pass that posted or tracked anything (the outbox relay's wake-up). */
  onCommitted?: () => void;
  /** Monotonic milliseconds; `performance.now` by default. */
  clock?: () => number;
}

/** Returns the pass; it resolves to the worker's successes, which is what keeps the loop going at once. */
export function createBackgroundPass({ worker, tracker, trackIntervalMs, onCommitted, clock = () => performance.now() }: BackgroundPassOptions) {
  let trackedAt = Number.NEGATIVE_INFINITY;
  return async (): Promise<number> => {
    const synced = await worker.runOnce();
    let tracked = 0;
    if (clock() - trackedAt >= trackIntervalMs) {
      trackedAt = clock();
      tracked = await tracker.runOnce();
    }
    if (synced.attempted + tracked > 0) onCommitted?.();
    return synced.succeeded;
  };
}
