import type { Logger } from '../logger';
import type { Database, DatabaseSession } from './database';
import type { Migration } from './migrate';

/**
 * Work announced across processes (issue 18, point 6). The background loops back off while idle; a row written by
 * this process wakes its loop in process, and on PostgreSQL a row written by another instance (roles split, several
 * workers) wakes it through a NOTIFY from a statement-level trigger, so no loop has to poll fast to be prompt.
 */
export const WAKE_CHANNELS = {
  /** events.outbox: the relay. */
  outbox: 'concord_outbox',
  /** orders.sync_jobs: the order sync worker. */
  orderJobs: 'concord_order_jobs',
  /** returns.jobs: the returns worker. */
  returnJobs: 'concord_return_jobs',
} as const;

export type WakeChannel = (typeof WAKE_CHANNELS)[keyof typeof WAKE_CHANNELS];

const trigger = (table: string, name: string, channel: WakeChannel) => `
  CREATE TRIGGER ${name} AFTER INSERT ON ${table}
    FOR EACH STATEMENT EXECUTE FUNCTION concord.notify_work('${channel}');`;

/** Applied after the tables it watches exist (start.ts puts it last). */
export const wakeNotificationMigrations: readonly Migration[] = [
  {
    id: 'platform-wake/0001_notify_on_insert',
    sql: `
      CREATE FUNCTION concord.notify_work() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- One notification per channel and transaction: PostgreSQL folds identical ones.
        PERFORM pg_notify(TG_ARGV[0], '');
        RETURN NULL;
      END $$;
      ${trigger('events.outbox', 'outbox_wake', WAKE_CHANNELS.outbox)}
      ${trigger('orders.sync_jobs', 'sync_jobs_wake', WAKE_CHANNELS.orderJobs)}
      ${trigger('returns.jobs', 'return_jobs_wake', WAKE_CHANNELS.returnJobs)}
    `,
  },
];

/**
 * Wakes `wakers` on their channel's notifications, on a session of its own. Only on PostgreSQL: PGlite is one
 * process, where the in-process wake-ups already cover every writer. Returns the session to close, if any.
 */
export async function listenForWork(db: Database, wakers: Partial<Record<WakeChannel, () => void>>, logger?: Logger): Promise<DatabaseSession | undefined> {
  if (db.kind !== 'postgres' || Object.keys(wakers).length === 0) return undefined;
  const session = await db.openSession();
  for (const [channel, wake] of Object.entries(wakers)) if (wake) await session.listen(channel, wake);
  // Without the listener the loops still find work on their (backed-off) polls: a warning, not a failure.
  session.onLost((err) => logger?.warn({ err }, 'the work notification connection was lost; background loops fall back to polling'));
  return session;
}
