#!/usr/bin/env node
'use strict';
// The CLI runs the TypeScript sources through tsx's loader: no build step, so `npm install` then
// `npm start` always runs what is in the tree.
require('tsx/cjs');
require('../platform/cli/main.ts').main(process.argv).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
