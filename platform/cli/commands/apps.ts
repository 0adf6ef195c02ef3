import type { Command } from 'commander';
import type { components } from '../../../generated/types/platform/admin.v1';
import type { ConnectionOptions } from '../admin-client';
import { CliFailure, collectPages, connectAdmin, expectData, LIST_PAGE, table, withConnectionOptions } from '../admin-client';
import type { CommandContext } from '../context';

type App = components['schemas']['App'];

/** Registry pointers (`/scopes/2`) named as the option that set them. */
const CREATE_LABELS = { name: '--name', plan: '--plan', scopes: '--scopes', partnerId: '--partner' };

/** "a b", "a,b" or "a, b": a shell user types scopes either way. */
const splitScopes = (s: string): string[] => s.split(/[\s,]+/).filter(Boolean);

const ONCE = 'Store them now: Concord keeps only hashes and cannot show them again.';

interface CreateOptions extends ConnectionOptions {
  name: string;
  plan: string;
  scopes: string;
  partner?: string;
}

interface ListOptions extends ConnectionOptions {
  partner?: string;
  status?: 'active' | 'suspended';
}

export function registerApps(program: Command, ctx: CommandContext): void {
  const apps = program
    .command('apps')
    .description('Manage apps (OAuth clients and API keys) through the admin API of a running Concord')
    .addHelpText('after', '\nThese commands call the running server; they need its admin credentials (credentials.json in its data dir).');

  withConnectionOptions(
    apps
      .command('create')
      .description('Register an app; prints its client id, client secret and API key (shown this once)')
      .requiredOption('--name <name>', 'display name')
      .option('--plan <plan>', 'rate-limit plan (see `concord plans list`)', 'sandbox')
      .requiredOption('--scopes <scopes>', 'space-separated scopes, e.g. "orders:read orders:write"')
      .option('--partner <partnerId>', 'the partner that owns the app (partner apps cannot hold internal scopes)'),
    ctx,
  ).action(async (opts: CreateOptions) => {
    const out = ctx.output(!!opts.json);
    const scopes = splitScopes(opts.scopes);
    if (scopes.length === 0) throw new CliFailure('--scopes needs at least one scope');
    const { client } = await connectAdmin(opts, ctx);
    const created = await expectData(
      'creating the app',
      client.POST('/admin/v1/apps', {
        body: { name: opts.name, plan: opts.plan, scopes, ...(opts.partner === undefined ? {} : { partnerId: opts.partner }) },
      }),
      CREATE_LABELS,
    );
    const { app } = created;
    out.result({ client_id: created.clientId, client_secret: created.clientSecret, api_key: created.apiKey }, [
      `Created app ${app.clientId} (${app.name}): plan ${app.plan}${app.partnerId ? `, partner ${app.partnerId}` : ''}, scopes ${app.scopes.join(' ')}`,
      `  client_id      ${created.clientId}`,
      `  client_secret  ${created.clientSecret}`,
      `  api_key        ${created.apiKey}`,
      `The client secret and API key are shown this once. ${ONCE}`,
    ].join('\n'));
  });

  withConnectionOptions(
    apps
      .command('list')
      .description('List apps, oldest first (never secrets, only API key prefixes)')
      .option('--partner <partnerId>', "only this partner's apps")
      .option('--status <status>', 'only apps in this status: active or suspended'),
    ctx,
  ).action(async (opts: ListOptions) => {
    const out = ctx.output(!!opts.json);
    if (opts.status !== undefined && opts.status !== 'active' && opts.status !== 'suspended') {
      throw new CliFailure(`--status must be active or suspended, not '${String(opts.status)}'`);
    }
    const { client } = await connectAdmin(opts, ctx);
    const items: App[] = await collectPages('listing apps', (cursor) =>
      expectData(
        'listing apps',
        client.GET('/admin/v1/apps', {
          params: {
            query: {
              limit: LIST_PAGE,
              ...(cursor === undefined ? {} : { cursor }),
              ...(opts.partner === undefined ? {} : { partnerId: opts.partner }),
              ...(opts.status === undefined ? {} : { status: opts.status }),
            },
          },
        }),
      ),
    );

    const rows = items.map((a) => [a.clientId, a.name, a.plan + (a.requestedPlan ? ` (→ ${a.requestedPlan}?)` : ''), a.status, a.partnerId ?? '-', a.scopes.join(' ')]);
    out.result(
      { items },
      items.length === 0 ? 'No apps.' : table(['CLIENT ID', 'NAME', 'PLAN', 'STATUS', 'PARTNER', 'SCOPES'], rows),
    );
  });

  withConnectionOptions(
    apps
      .command('suspend')
      .description('Suspend an app: it gets no tokens, and its tokens and API keys are refused (POST /admin/v1/apps/{clientId}/activate undoes it)')
      .argument('<clientId>', "the app's client id, e.g. app_sandbox"),
    ctx,
  ).action(async (clientId: string, opts: ConnectionOptions) => {
    const out = ctx.output(!!opts.json);
    const { client } = await connectAdmin(opts, ctx);
    const app = await expectData(`suspending ${clientId}`, client.POST('/admin/v1/apps/{clientId}/suspend', { params: { path: { clientId } } }));
    out.result(app, `Suspended ${app.clientId} (${app.name}): its tokens and API keys are refused from now on.`);
  });

  withConnectionOptions(
    apps
      .command('rotate-secret')
      .description('Issue a new client secret; the old one stops working at once (tokens already issued live until they expire, unless --revoke-tokens)')
      .argument('<clientId>', "the app's client id, e.g. app_sandbox")
      .option('--revoke-tokens', 'also refuse every access token issued before the rotation (for a leaked secret)'),
    ctx,
  ).action(async (clientId: string, opts: ConnectionOptions & { revokeTokens?: boolean }) => {
    const out = ctx.output(!!opts.json);
    const { client } = await connectAdmin(opts, ctx);
    const rotated = await expectData(
      `rotating the secret of ${clientId}`,
      client.POST('/admin/v1/apps/{clientId}/rotate-secret', { params: { path: { clientId } }, ...(opts.revokeTokens ? { body: { revokeTokens: true } } : {}) }),
    );
    out.result({ client_id: rotated.clientId, client_secret: rotated.clientSecret }, [
      `New client secret for ${rotated.clientId}; the old one no longer works${opts.revokeTokens ? ', and neither do tokens issued before' : ''}.`,
      `  client_secret  ${rotated.clientSecret}`,
      `The secret is shown this once. ${ONCE}`,
    ].join('\n'));
  });
}
