import { resolve } from 'node:path';
import type { Command } from 'commander';
import type * as LoggerModule from '../../logger';
import type * as StartModule from '../../server/start';
import { Option } from 'commander';
import type { Role } from '../../config';
import { ROLES, loadConfig, servesPortal } from '../../config';
import { firstStartBanner } from './start-banner';
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
      // Logs go to stdout: JSON for collectors, readable lines when a person watches (stdout is a terminal).
      const logger = createLogger({ level: config.logLevel, pretty: !opts.json && !!process.stdout.isTTY });
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
      // Only where it is served: a process, system or worker role answers 404 under /portal/.
      const portal = servesPortal(config.role) ? `${platform.url}/portal/` : undefined;
      out.result(
        {
          url: platform.url,
          healthz: `${platform.url}/healthz`,
          database: platform.db.description,
          role: config.role,
          operations: platform.contracts.operations.length,
          ...(portal ? { portal } : {}),
          ...(creds ? { credentials: { file: creds.file, admin: creds.admin, sandbox: creds.sandbox } } : {}),
          ...(portalAdmin ? { portalAdmin: { email: portalAdmin.email, password: portalAdmin.password, file: portalAdmin.file } } : {}),
        },
        [
          '',
          `Concord is running at ${platform.url}`,
          ...(portal ? [`  portal    ${portal}   (partners sign up there; admins approve plans and watch operations)`] : []),
          `  health    ${platform.url}/healthz   readiness ${platform.url}/readyz`,
          `  database  ${platform.db.description}`,
          `  role      ${config.role}`,
          `  contracts ${platform.contracts.operations.length} operations, ${platform.contracts.events.length} events`,
          '  Stop with Ctrl-C.',
        ].join('\n'),
      );
      // The one-time secrets come last and on their own (stderr), once the start-up logs are written, so they are
      // not lost among log lines. With --json they are in the result above.
      if (!opts.json) {
        await new Promise<void>((resolve) => logger.flush(() => resolve()));
        const banner = firstStartBanner(platform.url, creds, portalAdmin);
        if (banner) process.stderr.write(banner);
      }
      if (!ctx.shutdown.aborted) await new Promise((resolve) => ctx.shutdown.addEventListener('abort', resolve, { once: true }));
      out.progress('shutting down');
      await platform.close();
    });
}
