import { resolve } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import type * as GenerateModule from '../../../codegen/generate';
import type { CommandContext } from '../context';
import { UsageError } from './contracts-lint';

interface GenerateOptions {
  check?: boolean;
  json?: boolean;
  root?: string;
  contracts?: string;
  out?: string;
  profile: 'concord' | 'import';
  upstream?: string;
}

export function registerGenerate(program: Command, ctx: CommandContext): void {
  program
    .command('generate')
    .description('Generate types, validators, the route manifest, handler interfaces, clients and event types from contracts/')
    .option('--root <dir>', 'project root holding contracts/ and generated/ (default: the Concord package)')
    .option('--check', 'write nothing; exit 1 and list the stale files if generated/ is out of date')
    .option('--json', 'machine-readable output')
    .option('--contracts <dir>', 'a contract directory served from the catalogue (outside contracts/): generate its types and clients only')
    .option('--out <dir>', 'with --contracts: where its types/ and clients/ are written')
    .addOption(new Option('--profile <profile>', 'with --contracts: the directory\'s profile').choices(['concord', 'import']).default('concord'))
    .option('--upstream <name>', 'with --contracts and --profile import: the upstream of operations that name none')
    .addHelpText(
      'after',
      `
Examples:
  concord generate
  concord generate --check
  concord generate --contracts ../retail-contracts/loyalty --out ../kiosk/src/concord
  concord generate --contracts ../vendor/stock --profile import --upstream stock --out ./stock-client`,
    )
    .action(async (opts: GenerateOptions) => {
      const out = ctx.output(!!opts.json);
      if (!!opts.contracts !== !!opts.out) throw new UsageError('--contracts and --out go together');
      // Loaded on use: the code generator's dependencies are heavy and no other command needs them. require, not
      // import(): the CLI runs under tsx's CommonJS hook, which does not resolve extensionless dynamic imports.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { generate, generateForDirectory } = require('../../../codegen/generate') as typeof GenerateModule;
      if (opts.contracts && opts.out) {
        const profile = { name: opts.profile, ...(opts.upstream ? { upstream: opts.upstream } : {}) };
        const r = await generateForDirectory({ dir: resolve(opts.contracts), profile }, resolve(opts.out), { check: !!opts.check, onProgress: out.progress });
        out.result(
          { ok: !opts.check || r.changed.length === 0, operations: r.operations, files: r.files, warnings: r.warnings ?? [], written: opts.check ? [] : r.changed, stale: opts.check ? r.changed : [], ms: r.ms },
          `${opts.check ? (r.changed.length ? 'stale' : 'up to date') : 'generated'}: ${r.files.length} files (types and clients) for ${r.operations} operations under ${opts.out}`,
        );
        if (opts.check && r.changed.length) ctx.setExitCode(1);
        return;
      }
      const r = await generate(resolve(opts.root ?? ctx.root), { check: !!opts.check, onProgress: out.progress });
      const stale = [...r.changed, ...r.removed.map((p) => `${p} (no longer generated)`)];
      const summary = { ok: !opts.check || stale.length === 0, operations: r.operations, events: r.events, files: r.files.length, ms: r.ms };
      if (opts.check) {
        out.result(
          { ...summary, stale },
          stale.length
            ? `generated/ is stale; run \`npm run generate\`:\n${stale.map((s) => `  ${s}`).join('\n')}`
            : `generated/ is up to date (${r.files.length} files, ${r.operations} operations, ${r.events} events, ${r.ms} ms)`,
        );
        if (stale.length) ctx.setExitCode(1);
        return;
      }
      out.result(
        { ...summary, written: r.changed, removed: r.removed },
        `generated ${r.files.length} files from ${r.operations} operations and ${r.events} events in ${r.ms} ms` +
          (r.changed.length || r.removed.length ? ` (${r.changed.length} written, ${r.removed.length} removed)` : ' (no changes)'),
      );
    });
}
