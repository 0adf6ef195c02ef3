import type { Command } from 'commander';
import type { components } from '../../../generated/types/platform/admin.v1';
import type { ConnectionOptions } from '../admin-client';
import { CliFailure, connectAdmin, expectData, table, withConnectionOptions } from '../admin-client';
import type { CommandContext } from '../context';

type DeadLetter = components['schemas']['DeadLetter'];
type Status = components['schemas']['DeadLetterStatus'];

/** The contract's largest page: fewest round trips. */
const PAGE = 100;
const DEFAULT_LIST = 20;
const MAX_LIST = 1000;
const REASON_WIDTH = 60;

/** Body pointers of a refused replay-all, named as the option that set them. */
const REPLAY_LABELS = { eventType: '--type', source: '--source', consumer: '--consumer', limit: '--limit' };

interface ListOptions extends ConnectionOptions {
  status?: string;
  limit?: string;
  type?: string;
  source?: string;
}

interface ReplayOptions extends ConnectionOptions {
  all?: boolean;
  type?: string;
  source?: string;
  consumer?: string;
  limit?: string;
}

function count(option: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new CliFailure(`${option} must be a whole number from 1 to ${max}, not '${value}'`);
  return n;
}

const oneLine = (s: string, width: number) => {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
};

const describeOne = (d: DeadLetter) => `${d.id} (${d.eventType} ${d.eventId} for ${d.consumer})`;

export function registerEvents(program: Command, ctx: CommandContext): void {
  const events = program.command('events').description('The event backbone of a running Concord');
  const dlq = events
    .command('dlq')
    .description('Dead letters: events a consumer kept failing on, or that the relay refused as invalid, and their replay')
    .addHelpText('after', '\nThese commands call the running server; they need its admin credentials (credentials.json in its data dir).');

  withConnectionOptions(
    dlq
      .command('list')
      .description('List dead letters, newest failure first')
      .option('--status <status>', 'only pending or replayed ones')
      .option('--type <eventType>', 'only events of this type, e.g. order.created')
      .option('--source <source>', 'only events from this source, e.g. /concord/orders')
      .option('--limit <n>', `at most this many (1-${MAX_LIST})`, String(DEFAULT_LIST)),
    ctx,
  ).action(async (opts: ListOptions) => {
    const out = ctx.output(!!opts.json);
    if (opts.status !== undefined && opts.status !== 'pending' && opts.status !== 'replayed') {
      throw new CliFailure(`--status must be pending or replayed, not '${opts.status}'`);
    }
    const status = opts.status as Status | undefined;
    const limit = count('--limit', opts.limit, DEFAULT_LIST, MAX_LIST);
    const { client } = await connectAdmin(opts, ctx);
    const items: DeadLetter[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await expectData(
        'listing dead letters',
        client.GET('/admin/v1/dead-letters', {
          params: {
            query: {
              limit: Math.min(PAGE, limit - items.length),
              ...(cursor === undefined ? {} : { cursor }),
              ...(status === undefined ? {} : { status }),
              ...(opts.type === undefined ? {} : { eventType: opts.type }),
              ...(opts.source === undefined ? {} : { source: opts.source }),
            },
          },
        }),
      );
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
      // A server that hands back a cursor it already gave would loop forever; stop instead.
      if (cursor !== undefined && seen.has(cursor)) throw new CliFailure('listing dead letters failed: the server repeated a page cursor');
      if (cursor !== undefined) seen.add(cursor);
    } while (cursor !== undefined && items.length < limit);

    const rows = items.map((d) => [d.id, d.status, d.eventType, d.subject, d.consumer, String(d.attempts), d.lastFailedAt, oneLine(d.reason, REASON_WIDTH)]);
    const more = cursor === undefined ? '' : `\n(more dead letters than --limit ${limit})`;
    out.result(
      { items, nextCursor: cursor ?? null },
      items.length === 0 ? 'No dead letters.' : table(['ID', 'STATUS', 'TYPE', 'SUBJECT', 'CONSUMER', 'ATTEMPTS', 'LAST FAILED', 'REASON'], rows) + more,
    );
  });

  withConnectionOptions(
    dlq
      .command('replay')
      .description('Deliver a dead letter again (same event id) to the consumer that failed; --all replays every pending one')
      .argument('[deadLetterId]', 'the dead letter, e.g. dlq_01JD3QD7F9H1K3M5P7R9T1V3X5')
      .option('--id <deadLetterId>', 'the dead letter to replay (the same as giving it as the argument)')
      .option('--all', 'replay every pending dead letter matching the filters, oldest first')
      .option('--type <eventType>', 'with --all: only events of this type')
      .option('--source <source>', 'with --all: only events from this source')
      .option('--consumer <name>', 'with --all: only this consumer’s dead letters (outbox-relay: events refused as invalid)')
      .option('--limit <n>', 'with --all: at most this many (1-1000, default 1000)')
      .addHelpText('after', '\nExits 1 when a dead letter failed again and is still pending.'),
    ctx,
  ).action(async (argument: string | undefined, opts: ReplayOptions & { id?: string }) => {
    const out = ctx.output(!!opts.json);
    if (argument !== undefined && opts.id !== undefined && argument !== opts.id) throw new CliFailure('give the dead letter id once: as the argument or as --id');
    const id = argument ?? opts.id;
    if (!!opts.all === (id !== undefined)) throw new CliFailure('give either a dead letter id (or --id) or --all');
    const filters = opts.type !== undefined || opts.source !== undefined || opts.consumer !== undefined || opts.limit !== undefined;
    if (!opts.all && filters) throw new CliFailure('--type, --source, --consumer and --limit go with --all');
    const limit = opts.all ? count('--limit', opts.limit, MAX_LIST, MAX_LIST) : undefined;
    const { client } = await connectAdmin(opts, ctx);

    if (id !== undefined) {
      const dl = await expectData(`replaying ${id}`, client.POST('/admin/v1/dead-letters/{deadLetterId}/replay', { params: { path: { deadLetterId: id } } }));
      const replayed = dl.status === 'replayed';
      out.result(
        dl,
        replayed
          ? `Replayed ${describeOne(dl)}${dl.replayedAt ? ` at ${dl.replayedAt}` : ''}.`
          : `Replay of ${describeOne(dl)} failed again; still pending after ${dl.attempts} attempts: ${oneLine(dl.reason, 200)}`,
      );
      if (!replayed) ctx.setExitCode(1);
      return;
    }

    const result = await expectData(
      'replaying dead letters',
      client.POST('/admin/v1/dead-letters/replay', {
        body: {
          limit: limit ?? MAX_LIST,
          ...(opts.type === undefined ? {} : { eventType: opts.type }),
          ...(opts.source === undefined ? {} : { source: opts.source }),
          ...(opts.consumer === undefined ? {} : { consumer: opts.consumer }),
        },
      }),
      REPLAY_LABELS,
    );
    out.result(
      result,
      result.matched === 0
        ? 'No pending dead letters matched.'
        : `Replayed ${result.replayed} of ${result.matched} pending dead letters` +
            (result.failed ? `; ${result.failed} failed again and are still pending (concord events dlq list --status pending).` : '.'),
    );
    if (result.failed > 0) ctx.setExitCode(1);
  });
}
