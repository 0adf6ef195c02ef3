import type { Command } from 'commander';
import type { components } from '../../../generated/types/platform/admin.v1';
import type { ConnectionOptions } from '../admin-client';
import { CliFailure, connectAdmin, expectData, table, withConnectionOptions } from '../admin-client';
import type { CommandContext } from '../context';

type SyncException = components['schemas']['SyncException'];
type Workflow = components['schemas']['SyncWorkflow'];
type System = components['schemas']['DownstreamSystem'];

const PAGE = 100;
const DEFAULT_LIST = 20;
const MAX_LIST = 1000;
const ERROR_WIDTH = 60;
const WORKFLOWS: readonly Workflow[] = ['order', 'return'];
const SYSTEMS: readonly System[] = ['erp', 'wms', 'pos'];

interface ExceptionsOptions extends ConnectionOptions {
  workflow?: string;
  system?: string;
  limit?: string;
}

function oneOf<T extends string>(option: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new CliFailure(`${option} must be one of ${allowed.join(', ')}, not '${value}'`);
  return value as T;
}

function listLimit(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LIST;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIST) throw new CliFailure(`--limit must be a whole number from 1 to ${MAX_LIST}, not '${value}'`);
  return n;
}

const oneLine = (s: string | undefined, width: number) => {
  const flat = (s ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
};

const FIGURES: Array<[keyof components['schemas']['OpsSummary'], string]> = [
  ['ordersAwaitingErp', 'orders awaiting ERP'],
  ['ordersInException', 'orders in exception'],
  ['returnsPendingDisposition', 'returns pending disposition'],
  ['refundExceptions', 'refunds in exception'],
  ['deadLetters', 'dead letters pending'],
  ['outboxBacklog', 'outbox backlog'],
];

export function registerOps(program: Command, ctx: CommandContext): void {
  const ops = program
    .command('ops')
    .description('Business health of a running Concord, and the downstream calls in exception')
    .addHelpText('after', '\nThese commands call the running server; they need its admin credentials (credentials.json in its data dir).');

  withConnectionOptions(ops.command('summary').description('Orders awaiting ERP, exceptions, returns pending disposition, dead letters, outbox backlog'), ctx).action(
    async (opts: ConnectionOptions) => {
      const out = ctx.output(!!opts.json);
      const { client } = await connectAdmin(opts, ctx);
      const summary = await expectData('reading the ops summary', client.GET('/admin/v1/ops/summary'));
      out.result(summary, table(['FIGURE', 'COUNT'], FIGURES.map(([key, label]) => [label, String(summary[key])])));
    },
  );

  withConnectionOptions(
    ops
      .command('exceptions')
      .description('List the order syncs and return jobs (ERP, WMS, POS calls) that gave up, most recent first')
      .option('--workflow <workflow>', 'only order syncs or only return jobs: order or return')
      .option('--system <system>', 'only calls to erp, wms or pos')
      .option('--limit <n>', `at most this many (1-${MAX_LIST})`, String(DEFAULT_LIST)),
    ctx,
  ).action(async (opts: ExceptionsOptions) => {
    const out = ctx.output(!!opts.json);
    const workflow = oneOf('--workflow', opts.workflow, WORKFLOWS);
    const system = oneOf('--system', opts.system, SYSTEMS);
    const limit = listLimit(opts.limit);
    const { client } = await connectAdmin(opts, ctx);
    const items: SyncException[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await expectData(
        'listing exceptions',
        client.GET('/admin/v1/ops/exceptions', {
          params: {
            query: {
              limit: Math.min(PAGE, limit - items.length),
              ...(cursor === undefined ? {} : { cursor }),
              ...(workflow === undefined ? {} : { workflow }),
              ...(system === undefined ? {} : { system }),
            },
          },
        }),
      );
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
      if (cursor !== undefined && seen.has(cursor)) throw new CliFailure('listing exceptions failed: the server repeated a page cursor');
      if (cursor !== undefined) seen.add(cursor);
    } while (cursor !== undefined && items.length < limit);

    const rows = items.map((x) => [x.id, x.workflow, x.subjectId, x.system, x.action, String(x.attempts), x.lastAttemptAt ?? '', oneLine(x.lastError, ERROR_WIDTH)]);
    const more = cursor === undefined ? '' : `\n(more exceptions than --limit ${limit})`;
    out.result(
      { items, nextCursor: cursor ?? null },
      items.length === 0 ? 'No downstream calls in exception.' : table(['ID', 'WORKFLOW', 'SUBJECT', 'SYSTEM', 'ACTION', 'ATTEMPTS', 'LAST ATTEMPT', 'LAST ERROR'], rows) + more,
    );
  });

  withConnectionOptions(
    ops
      .command('retry')
      .description('Put a downstream call in exception back in its worker’s queue, due now, attempts from zero')
      .argument('<exceptionId>', 'the call, as listed by `concord ops exceptions`, e.g. rtj_42 or osj_7'),
    ctx,
  ).action(async (id: string, opts: ConnectionOptions) => {
    const out = ctx.output(!!opts.json);
    if (!/^(osj|rtj)_[1-9][0-9]{0,17}$/.test(id)) throw new CliFailure(`'${id}' is not an exception id: osj_<n> (order sync) or rtj_<n> (return job)`);
    const { client } = await connectAdmin(opts, ctx);
    const job = await expectData(`retrying ${id}`, client.POST('/admin/v1/ops/exceptions/{exceptionId}/retry', { params: { path: { exceptionId: id } } }));
    const what = `${job.id} (${job.system} ${job.action} for ${job.subjectId})`;
    out.result(job, job.status === 'pending' ? `Queued ${what} again; its worker calls ${job.system} next.` : `${what} is ${job.status}, not in exception: nothing to retry.`);
  });
}
