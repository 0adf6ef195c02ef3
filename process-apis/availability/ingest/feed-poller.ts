import type { Database } from '../../../platform/db/database';
import type { AppendEvents } from '../../../platform/events/types';
import type { Logger } from '../../../platform/logger';
import { retryTransaction } from '../../orders/retry';
import { AvailabilityChanges } from '../availability-events';
import type { ApplyOutcome } from './apply-update';
import { applyInventoryUpdate } from './apply-update';
import type { Feed, FeedDocument } from './feeds';

/**
 * How far below the high-water mark each pass reads again. Document numbers come from a database sequence, so a
 * document can commit after a higher-numbered one was already read; it is still applied if it commits within
 * this many documents. The documents applied in that window are remembered, so none is applied twice.
 */
export const LOOKBACK_DOCUMENTS = 100;

export interface FeedPollerOptions {
  db: Database;
  feeds: readonly Feed[];
  appendEvents: AppendEvents;
  now: () => Date;
  logger: Logger;
  lowStockThreshold: number;
  /** After a feed's batch committed: the outcomes, for the metrics. */
  onApplied?: (outcomes: readonly ApplyOutcome[]) => void;
}

/**
 * Polls each system's inventory documents and applies the new ones oldest first, one transaction per feed and
 * pass: the updates, their events, the coalesced availability changes and the feed's new high-water mark commit
 * together, so a crash or a concurrent poller can neither skip a document nor apply one twice.
 */
export function createFeedPoller(opts: FeedPollerOptions) {
  const { db, logger } = opts;

  async function newDocuments(feed: Feed, floor: number, correlationId: string): Promise<FeedDocument[]> {
    const docs: FeedDocument[] = [];
    let cursor: string | undefined;
    do {
      const page = await feed.page(cursor, correlationId);
      docs.push(...page.docs.filter((d) => d.no > floor));
      // Newest first: once a page reaches the floor, everything after it is older still.
      if (page.docs.some((d) => d.no <= floor)) break;
      cursor = page.nextCursor;
    } while (cursor);
    return docs.sort((a, b) => a.no - b.no);
  }

  async function runFeed(feed: Feed): Promise<number> {
    const { rows } = await db.query<{ high_water: number | string }>('SELECT high_water FROM inventory.feed_cursors WHERE feed = $1', [feed.name]);
    const floor = Math.max(0, Number(rows[0]?.high_water ?? 0) - LOOKBACK_DOCUMENTS);
    const docs = await newDocuments(feed, floor, `inventory-feed-${feed.name}`);
    if (docs.length === 0) return 0;

    const { applied, outcomes } = await retryTransaction(() =>
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO inventory.feed_cursors (feed) VALUES ($1) ON CONFLICT DO NOTHING', [feed.name]);
        const locked = await tx.query<{ high_water: number | string }>('SELECT high_water FROM inventory.feed_cursors WHERE feed = $1 FOR UPDATE', [feed.name]);
        let high = Number(locked.rows[0]?.high_water ?? 0);
        const now = opts.now();
        const changes = new AvailabilityChanges(opts.lowStockThreshold, `inventory-feed-${feed.name}`);
        const outcomes: ApplyOutcome[] = [];
        let applied = 0;
        for (const doc of docs) {
          const fresh = await tx.query('INSERT INTO inventory.feed_documents (feed, doc_no, applied_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1', [
            feed.name,
            doc.no,
            now,
          ]);
          if (fresh.rows.length === 0) continue;
          applied += 1;
          high = Math.max(high, doc.no);
          for (const u of doc.updates) {
            outcomes.push(await applyInventoryUpdate(tx, u, { now, appendEvents: opts.appendEvents, changes, correlationId: `${feed.name}:${doc.no}` }));
          }
        }
        await changes.flush(tx, opts.appendEvents);
        await tx.query('UPDATE inventory.feed_cursors SET high_water = $2, polled_at = $3 WHERE feed = $1', [feed.name, high, now]);
        await tx.query('DELETE FROM inventory.feed_documents WHERE feed = $1 AND doc_no < $2', [feed.name, high - LOOKBACK_DOCUMENTS]);
        return { applied, outcomes };
      }),
    );
    for (const o of outcomes) {
      if (o.kind === 'applied' && o.gap) logger.warn({ feed: feed.name, sku: o.update.sku, locationId: o.update.locationId, source: o.update.source, gap: o.gap }, 'inventory sequence gap');
    }
    opts.onApplied?.(outcomes);
    return applied;
  }

  return {
    /** One pass over every feed; a system that cannot be read is skipped until the next pass. Returns documents applied. */
    async runOnce(): Promise<number> {
      let applied = 0;
      for (const feed of opts.feeds) {
        try {
          applied += await runFeed(feed);
        } catch (err) {
          logger.warn({ err, feed: feed.name }, 'inventory feed pass failed');
        }
      }
      return applied;
    },
  };
}
