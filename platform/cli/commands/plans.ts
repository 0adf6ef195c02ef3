import type { Command } from 'commander';
import type { ConnectionOptions } from '../admin-client';
import { connectAdmin, expectData, table, withConnectionOptions } from '../admin-client';
import type { CommandContext } from '../context';

export function registerPlans(program: Command, ctx: CommandContext): void {
  const plans = program.command('plans').description('Rate-limit plans, as the running Concord has them configured');

  withConnectionOptions(plans.command('list').description('List the plans: rate per second and burst'), ctx).action(async (opts: ConnectionOptions) => {
    const out = ctx.output(!!opts.json);
    const { client } = await connectAdmin(opts, ctx);
    const { items } = await expectData('listing plans', client.GET('/admin/v1/plans'));
    const rows = items.map((p) => [p.name, String(p.ratePerSecond), String(p.burst), p.description ?? '']);
    out.result({ items }, table(['PLAN', 'RATE/S', 'BURST', 'DESCRIPTION'], rows));
  });
}
