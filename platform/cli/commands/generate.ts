import { resolve } from 'node:path';
import type { Command } from 'commander';
import type * as GenerateModule from '../../../codegen/generate';
import type { CommandContext } from '../context';

export function registerGenerate(program: Command, ctx: CommandContext): void {
  program
    .command('generate')
    .description('Generate types, validators, the route manifest, handler interfaces, clients and event types from contracts/')
    .option('--root <dir>', 'project root holding contracts/ and generated/ (default: the Concord package)')
    .option('--check', 'write nothing; exit 1 and list the stale files if generated/ is out of date')
    .option('--json', 'machine-readable output')
    .action(async (opts: { check?: boolean; json?: boolean; root?: string }) => {
      const out = ctx.output(!!opts.json);
      // Loaded on use: the code generator's dependencies are heavy and no other command needs them. require, not
      // import(): the CLI runs under tsx's CommonJS hook, which does not resolve extensionless dynamic imports.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { generate } = require('../../../codegen/generate') as typeof GenerateModule;
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
