import type { Command } from 'commander';
import type { components } from '../../../generated/types/platform/admin.v1';
import type { ConnectionOptions } from '../admin-client';
import { collectPages, connectAdmin, expectData, LIST_PAGE, table, withConnectionOptions } from '../admin-client';
import type { CommandContext } from '../context';

type Partner = components['schemas']['Partner'];

/** Registry pointers named as the option that set them. */
const CREATE_LABELS = { name: '--name', contactEmail: '--email' };

interface CreateOptions extends ConnectionOptions {
  name: string;
  email: string;
}

export function registerPartners(program: Command, ctx: CommandContext): void {
  const partners = program
    .command('partners')
    .description('Manage partners (the organisations that own partner apps) through the admin API of a running Concord')
    .addHelpText('after', '\nThese commands call the running server; they need its admin credentials (credentials.json in its data dir).');

  withConnectionOptions(
    partners
      .command('create')
      .description('Register a partner; prints its id, to pass to `concord apps create --partner`')
      .requiredOption('--name <name>', 'the organisation name')
      .requiredOption('--email <email>', 'the contact email'),
    ctx,
  ).action(async (opts: CreateOptions) => {
    const out = ctx.output(!!opts.json);
    const { client } = await connectAdmin(opts, ctx);
    const partner = await expectData('creating the partner', client.POST('/admin/v1/partners', { body: { name: opts.name, contactEmail: opts.email } }), CREATE_LABELS);
    out.result(partner, [
      `Created partner ${partner.id} (${partner.name}, ${partner.contactEmail}).`,
      `Give it an app: concord apps create --partner ${partner.id} --name <name> --plan partner --scopes "<scopes>"`,
    ].join('\n'));
  });

  withConnectionOptions(partners.command('list').description('List partners, oldest first'), ctx).action(async (opts: ConnectionOptions) => {
    const out = ctx.output(!!opts.json);
    const { client } = await connectAdmin(opts, ctx);
    const items: Partner[] = await collectPages('listing partners', (cursor) =>
      expectData('listing partners', client.GET('/admin/v1/partners', { params: { query: { limit: LIST_PAGE, ...(cursor === undefined ? {} : { cursor }) } } })),
    );
    out.result(
      { items },
      items.length === 0 ? 'No partners.' : table(['PARTNER ID', 'NAME', 'CONTACT', 'CREATED'], items.map((p) => [p.id, p.name, p.contactEmail, p.createdAt])),
    );
  });
}
