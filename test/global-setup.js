'use strict';
// Probes the local services once per run. Production-mode adapters are tested against the real services;
// with CI=true a missing one fails the run, on a laptop without them those suites skip and say so loudly.
const net = require('node:net');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const SERVICES = {
  postgres: process.env.CONCORD_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
  redis: process.env.CONCORD_TEST_REDIS_URL || 'redis://127.0.0.1:6379',
  nats: process.env.CONCORD_TEST_NATS_URL || 'nats://127.0.0.1:4222',
};

function reachable(url) {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port), timeout: 2000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

/**
 * Brings the build up to date once, before the workers start (ADR 0014): dist/ for the suites that run the CLI, the
 * developer portal, and the database templates every PGlite in the suites starts from. Every suite would otherwise
 * race to build them. Up to date (as after `npm ci`), this is a file-time check.
 */
function buildPortal() {
  execFileSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'build.js'), '--if-stale'], { stdio: 'inherit' });
}

module.exports = async function globalSetup() {
  buildPortal();
  const missing = [];
  for (const [name, url] of Object.entries(SERVICES)) {
    const up = await reachable(url);
    process.env[`CONCORD_TEST_${name.toUpperCase()}_URL`] = up ? url : '';
    if (!up) missing.push(`${name} (${url})`);
  }
  if (missing.length === 0) return;
  if (process.env.CI === 'true') {
    throw new Error(`CI=true and these services are not reachable: ${missing.join(', ')}. .ci/run starts them.`);
  }
  const bar = '!'.repeat(78);
  process.stderr.write(`\n${bar}\n!! SERVICES MISSING: ${missing.join(', ')}\n!! Tests against them are SKIPPED. They run in CI; start the services to run them here.\n${bar}\n\n`);
};
