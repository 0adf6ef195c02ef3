/**
 * A process that claims one idempotency key and then hangs until it is killed: the crash in
 * crash-release.test.ts. Prints `claimed <kind>` once the claim is held.
 *   CLAIM_DB       postgres://… or pglite:<dir>
 *   CLAIM_KEY      the idempotency key
 *   CLAIM_REDIS    optional redis://… (claims as Redis locks), CLAIM_REDIS_PREFIX their prefix
 */
import { Redis } from 'ioredis';
import { registerInstance } from '../../../../platform/db/instance-liveness';
import { openPglite } from '../../../../platform/db/pglite';
import { openPostgres } from '../../../../platform/db/postgres';
import { createIdempotencyStore } from '../store';

async function main() {
  const target = process.env.CLAIM_DB ?? '';
  const db = target.startsWith('pglite:') ? await openPglite(target.slice('pglite:'.length)) : await openPostgres(target);
  const instance = await registerInstance(db);
  const redis = process.env.CLAIM_REDIS ? new Redis(process.env.CLAIM_REDIS) : undefined;
  const store = createIdempotencyStore({ db, instance, ...(redis ? { redis, redisKeyPrefix: process.env.CLAIM_REDIS_PREFIX ?? 'test' } : {}) });
  const begun = await store.begin('app_crash', process.env.CLAIM_KEY ?? 'k', 'fp-1');
  process.stdout.write(`claimed ${begun.kind}\n`);
  setInterval(() => {}, 60_000);
}

main().catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
