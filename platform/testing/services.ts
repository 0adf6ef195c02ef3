import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The real PostgreSQL of this machine, as probed by test/global-setup.js; '' when it is not running. */
export const postgresUrl = (): string => process.env.CONCORD_TEST_POSTGRES_URL ?? '';

/**
 * `describe` for suites that need a real service. Only on a machine without the service (never in CI, where
 * global setup fails the run) does the suite skip, with a warning that names it.
 */
export function describeWithService(service: 'postgres' | 'redis' | 'nats', name: string, fn: () => void): void {
  if (process.env[`CONCORD_TEST_${service.toUpperCase()}_URL`]) {
    describe(name, fn);
    return;
  }
  console.warn(`SKIPPED: "${name}" needs ${service}, which is not running here.`);
  describe.skip(`${name} [needs ${service}]`, fn);
}

/** A throwaway database on the real PostgreSQL (or the one at `adminUrl`), dropped by `drop()`. */
export async function createTempDatabase(adminUrl = postgresUrl(), prefix = 'concord_test'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
