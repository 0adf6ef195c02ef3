/**
 * Order intake alone: `npm run bench:orders -- [--seconds 10] [--concurrency 10] [--production] [--postgres URL]
 * [--redis URL] [--nats URL]`. The same measurement as the `orders-*` sections of `npm run bench` (bench/peers/
 * order-intake.ts): Concord as its own process (embedded default, or PostgreSQL + Redis + NATS with --production),
 * wrk POSTing orders with 10 % client retries, then the duplicate check once ERP has every order. Prints JSON.
 * Speed is measured here, never asserted in `npm test`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkNoDuplicates, prepareOrderIntake, runOrderIntake } from './peers/order-intake';
import { startBenchPlatform } from './peers/platform';
import { ensureDebianPackage } from './peers/tools';

async function main() {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '10' },
      production: { type: 'boolean', default: false },
      postgres: { type: 'string', default: process.env.CONCORD_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
      redis: { type: 'string', default: process.env.CONCORD_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379' },
      nats: { type: 'string', default: process.env.CONCORD_BENCH_NATS_URL ?? 'nats://127.0.0.1:4222' },
    },
  });
  const seconds = Number(values.seconds);
  const connections = Number(values.concurrency);
  if (!(seconds >= 1) || !(connections >= 1)) throw new Error('usage: npm run bench:orders -- [--seconds N] [--concurrency N] [--production] [--postgres URL] [--redis URL] [--nats URL]');
  const wrk = await ensureDebianPackage('wrk', 'wrk', (msg) => process.stderr.write(`${msg}\n`));
  const backend = values.production ? 'production' : 'embedded';
  const platform = await startBenchPlatform(backend, { postgres: values.postgres, redis: values.redis, nats: values.nats });
  const dir = await mkdtemp(join(tmpdir(), 'concord-bench-orders-'));
  try {
    const prep = await prepareOrderIntake(platform, dir);
    const run = await runOrderIntake(wrk, platform, { bodiesFile: prep.bodiesFile, seconds, connections, runId: Date.now().toString(36) });
    const check = await checkNoDuplicates(platform, prep.before, { createdAnswers: run.counts.created, maxUnanswered: connections });
    console.log(JSON.stringify({ backend: platform.label, versions: platform.versions, seconds, connections, ...run, check }, null, 2));
    if (!check.ok) process.exitCode = 1;
  } finally {
    await platform.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
