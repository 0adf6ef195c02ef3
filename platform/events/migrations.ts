import type { Migration } from '../db/migrate';

/**
 * The event backbone's tables, in schema `events`. Timestamps are `timestamptz(3)` (a JavaScript Date's precision)
 * so keyset cursors round-trip exactly; ids use the "C" collation so tie-breaks are byte order on every server.
 *
 * - `outbox`: events appended in the producer's transaction; `position` is the publish order. A row leaves the
 *   backlog when published, or when the relay refused it (invalid) and dead-lettered it instead.
 * - `subject_sequences`: the last `sequence` handed out per CloudEvents subject (aggregate). Its row lock, taken by
 *   the upsert in the appending transaction, also orders concurrent appenders of one subject: the second one gets
 *   its outbox position only after the first committed, so position order is sequence order.
 * - `dead_letters`: one row per event and failing consumer (`consumer` NULL: refused at publish); a new failure of
 *   the same pair adds attempts to that row.
 * - `consumer_processed`: the event ids each consumer has handled (`handleOnce`).
 */
export const eventMigrations: readonly Migration[] = [
  {
    id: 'events/0001_outbox',
    sql: `
      CREATE SCHEMA IF NOT EXISTS events;

      CREATE TABLE events.outbox (
        position         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        event_id         text COLLATE "C" NOT NULL UNIQUE,
        type             text NOT NULL,
        subject          text NOT NULL,
        payload          jsonb NOT NULL,
        created_at       timestamptz(3) NOT NULL DEFAULT now(),
        published_at     timestamptz(3),
        dead_lettered_at timestamptz(3)
      );
      CREATE INDEX outbox_backlog ON events.outbox (position) WHERE published_at IS NULL AND dead_lettered_at IS NULL;

      CREATE TABLE events.subject_sequences (
        subject       text COLLATE "C" PRIMARY KEY,
        last_sequence bigint NOT NULL CHECK (last_sequence >= 1)
      );

      CREATE TABLE events.dead_letters (
        id              text COLLATE "C" PRIMARY KEY,
        event_id        text COLLATE "C" NOT NULL,
        event_type      text NOT NULL,
        source          text NOT NULL,
        subject         text NOT NULL,
        consumer        text COLLATE "C",
        reason          text NOT NULL,
        reason_kind     text NOT NULL CHECK (reason_kind IN ('validation', 'consumer')),
        attempts        integer NOT NULL CHECK (attempts >= 1),
        payload         jsonb NOT NULL,
        status          text NOT NULL CHECK (status IN ('pending', 'replayed')),
        first_failed_at timestamptz(3) NOT NULL,
        last_failed_at  timestamptz(3) NOT NULL,
        replayed_at     timestamptz(3)
      );
      CREATE UNIQUE INDEX dead_letters_event_consumer ON events.dead_letters (event_id, (coalesce(consumer, '')));
      CREATE INDEX dead_letters_newest ON events.dead_letters (last_failed_at DESC, id DESC);
      CREATE INDEX dead_letters_pending ON events.dead_letters (first_failed_at, id) WHERE status = 'pending';

      CREATE TABLE events.consumer_processed (
        consumer     text COLLATE "C" NOT NULL,
        event_id     text COLLATE "C" NOT NULL,
        processed_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      );
    `,
  },
];
