#!/usr/bin/env node
'use strict';
// Runs the compiled CLI under dist/ (ADR 0014). `npm ci` / `npm install` compile it (prepare); when a source file
// changed since, or dist/ is missing, it is compiled again here first (about a second), with a note on stderr.
const { ensureCompiled } = require('../scripts/build.js');

try {
  ensureCompiled();
} catch (err) {
  console.error(`concord: could not compile the sources: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
require('../dist/platform/cli/main.js')
  .main(process.argv)
  .catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
