import type { Queryable } from '../../platform/db/database';
import type { AppendEvents, NewEvent } from '../../platform/events/types';

export const AVAILABILITY_SOURCE = '/concord/availability';

/** Stock events are ordered per position: `<sku>@<locationId>` (platform/events/types.ts). */
export const stockSubject = (sku: string, locationId: string): string => `${sku}@${locationId}`;

/**
 * Collects ATP changes of one transaction and emits one `inventory.availability-changed` per SKU × location with
 * the ATP before the first change and after the last. A position whose ATP ends where it started emits nothing.
 * `lowStock` is `atp <= threshold`, so a crossing of the threshold is always an event that flips it.
 */
export class AvailabilityChanges {
  private readonly changes = new Map<string, { sku: string; locationId: string; previousAtp: number; atp: number }>();

  constructor(
    private readonly lowStockThreshold: number,
    private readonly correlationId: string,
  ) {}

  record(sku: string, locationId: string, previousAtp: number, atp: number): void {
    const key = stockSubject(sku, locationId);
    const seen = this.changes.get(key);
    if (seen) seen.atp = atp;
    else this.changes.set(key, { sku, locationId, previousAtp, atp });
  }

  events(): NewEvent<'inventory.availability-changed'>[] {
    const out: NewEvent<'inventory.availability-changed'>[] = [];
    for (const [subject, c] of this.changes) {
      if (c.atp === c.previousAtp) continue;
      out.push({
        type: 'inventory.availability-changed',
        subject,
        source: AVAILABILITY_SOURCE,
        data: { sku: c.sku, locationId: c.locationId, atp: c.atp, previousAtp: c.previousAtp, lowStock: c.atp <= this.lowStockThreshold, threshold: this.lowStockThreshold },
        correlationId: this.correlationId,
      });
    }
    return out;
  }

  /** Appends the coalesced events in the caller's transaction and forgets them. */
  async flush(tx: Queryable, appendEvents: AppendEvents): Promise<number> {
    const events = this.events();
    this.changes.clear();
    if (events.length) await appendEvents(tx, events);
    return events.length;
  }
}
