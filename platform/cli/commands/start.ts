import { resolve } from 'node:path';
import type { Command } from 'commander';
import type * as LoggerModule from '../../logger';
import type * as StartModule from '../../server/start';
import { Option } from 'commander';
import type { Role } from '../../config';
import { ROLES, loadConfig } from '../../config';
import type { CommandContext } from '../context';

export function registerStart(program: Command, ctx: CommandContext): void {
  program
    .command('start')
    .description('Run Concord: gateway, process and system APIs on the embedded default (PGlite, in-process bus)')
    .addOption(new Option('--role <role>', 'which part to run; several instances share state in production mode').choices(ROLES as string[]).default('all'))
    // Tests point start at a scratch copy of the contracts; the generated code served is always this package's.
    .addOption(new Option('--root <dir>').hideHelp())
    .option('--port <port>', 'port to listen on (default: $PORT or 8080)')
    .option('--json', 'print the start-up summary as JSON')
    .addHelpText(
      'after',
      '\nEnvironment: PORT, HOST, CONCORD_DATA_DIR, DATABASE_URL, REDIS_URL, NATS_URL, CONCORD_SANDBOX, LOG_LEVEL;\n' +
        'the upstream catalogue: concord.yaml at the project root, or CONCORD_CONFIG (check it with `concord config check`);\n' +
        'with --role: CONCORD_PROCESS_URL, CONCORD_SYSTEM_URL, CONCORD_UPSTREAM_TIMEOUT_MS (see README, "Roles");\n' +
        'with --role gateway in front of a non-Concord upstream: CONCORD_GATEWAY_IDEMPOTENCY=1.',
    )
    .action(async (opts: { role: Role; port?: string; json?: boolean; root?: string }) => {
      const out = ctx.output(!!opts.json);
      const env = opts.port !== undefined ? { ...ctx.env, PORT: opts.port } : ctx.env;
      const config = loadConfig(env, { role: opts.role, root: resolve(opts.root ?? ctx.root) });
      // Loaded here, not at the top: every other command (and --help) stays fast without the server's modules.
      // require, not import(): see commands/generate.ts.
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { createLogger } = require('../../logger') as typeof LoggerModule;
      const { startPlatform } = require('../../server/start') as typeof StartModule;
      /* eslint-enable @typescript-eslint/no-require-imports */
      const logger = createLogger({ level: config.logLevel });
      let platform;
      try {
        platform = await startPlatform(config, logger, out.progress, { signal: ctx.shutdown });
      } catch (err) {
        if (!ctx.shutdown.aborted) throw err;
        out.progress('start-up interrupted; everything it opened is closed');
        return;
      }
      const creds = platform.bootstrap;
      const portalAdmin = platform.portalAdmin;
      const portal = `${platform.url}/portal/`;
      out.result(
        {
          url: platform.url,
          healthz: `${platform.url}/healthz`,
          database: platform.db.description,
          role: config.role,
          operations: platform.contracts.operations.length,
          portal,
          ...(creds ? { credentials: { file: creds.file, admin: creds.admin, sandbox: creds.sandbox } } : {}),
          ...(portalAdmin ? { portalAdmin: { email: portalAdmin.email, password: portalAdmin.password, file: portalAdmin.file } } : {}),
        },
        [
          ...(creds
            ? [
                '',
                'First start: created an admin app and a sandbox partner app. Their secrets are shown once, here and in',
                `${creds.file} (mode 0600):`,
                `  admin    client_id ${creds.admin.client_id}  client_secret ${creds.admin.client_secret}  api_key ${creds.admin.api_key}`,
                `  sandbox  client_id ${creds.sandbox.client_id}  client_secret ${creds.sandbox.client_secret}  api_key ${creds.sandbox.api_key}  partner ${creds.sandbox.partner_id}`,
                `  token:   curl -s ${platform.url}/oauth/token -d grant_type=client_credentials -d client_id=${creds.sandbox.client_id} -d client_secret=…`,
              ]
            : []),
          ...(portalAdmin
            ? [
                '',
                `First start: created the developer portal's internal admin (also in ${portalAdmin.file}, mode 0600):`,
                `  email ${portalAdmin.email}  password ${portalAdmin.password}`,
              ]
            : []),
          '',
          `Concord is running at ${platform.url}`,
          `  portal    ${portal}   (partners sign up there; admins approve plans and watch operations)`,
          `  health    ${platform.url}/healthz   readiness ${platform.url}/readyz`,
          `  database  ${platform.db.description}`,
          `  role      ${config.role}`,
          `  contracts ${platform.contracts.operations.length} operations, ${platform.contracts.events.length} events`,
          '  Stop with Ctrl-C.',
        ].join('\n'),
      );
      if (!ctx.shutdown.aborted) await new Promise((resolve) => ctx.shutdown.addEventListener('abort', resolve, { once: true }));
      out.progress('shutting down');
      await platform.close();
    });
}
