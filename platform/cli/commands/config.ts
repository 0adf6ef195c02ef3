import { resolve } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { CatalogueError, cataloguePath, loadCatalogue } from '../../catalogue/load';
import type { CommandContext } from '../context';

/** `concord config check`: the upstream catalogue's start-up check, without starting. */
export function registerConfig(program: Command, ctx: CommandContext): void {
  const config = program.command('config').description('Check the upstream catalogue (concord.yaml, or the file CONCORD_CONFIG names)');
  config
    .command('check')
    .description('Validate the catalogue as `concord start` would: schema, ${VAR} interpolation, cross-references; exit 1 when invalid')
    .addOption(new Option('--root <dir>').hideHelp())
    .option('--json', 'print the result (or the problems) as JSON')
    .addHelpText('after', '\nReads CONCORD_CONFIG, else concord.yaml at the project root. No file: the defaults (the built-in platform) apply.\nSecrets are never printed: only upstream names, URLs and which systems they serve.')
    .action((opts: { json?: boolean; root?: string }) => {
      const out = ctx.output(!!opts.json);
      const root = resolve(opts.root ?? ctx.root);
      const { path } = cataloguePath(root, ctx.env);
      let catalogue;
      try {
        catalogue = loadCatalogue(root, ctx.env);
      } catch (err) {
        if (!(err instanceof CatalogueError)) throw err;
        out.result({ valid: false, file: path, problems: err.problems }, err.message);
        ctx.setExitCode(1);
        return;
      }
      const upstreams = Object.values(catalogue.upstreams).map((u) => ({ name: u.name, url: redact(u.url), auth: u.auth?.type ?? 'none' }));
      out.result(
        { valid: true, file: catalogue.file ?? null, upstreams, systems: catalogue.systems, contracts: catalogue.contracts },
        catalogue.file
          ? [
              `${catalogue.file}: valid`,
              `  upstreams  ${upstreams.length ? upstreams.map((u) => `${u.name} (${u.url}, auth ${u.auth})`).join(', ') : 'none'}`,
              `  systems    erp ${catalogue.systems.erp}, wms ${catalogue.systems.wms}, pos ${catalogue.systems.pos}`,
              `  contracts  ${catalogue.contracts.length ? catalogue.contracts.map((c) => `${c.dir} (${c.profile})`).join(', ') : 'none beyond contracts/'}`,
            ].join('\n')
          : `no catalogue at ${path}: the defaults apply (built-in services only, every system on the sandbox)`,
      );
    });
}

/** A URL may carry user:password; never print it. */
function redact(url: string): string {
  const u = new URL(url);
  if (u.username || u.password) {
    u.username = '***';
    u.password = '';
  }
  return u.toString().replace(/\/$/, '');
}
