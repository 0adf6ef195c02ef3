import { resolve } from 'node:path';

export type Role = 'all' | 'gateway' | 'process' | 'system' | 'worker';
export const ROLES: readonly Role[] = ['all', 'gateway', 'process', 'system', 'worker'];

/** Everything Concord reads from the environment, read once and passed down. */
export interface Config {
  host: string;
  port: number;
  /** Embedded data: PGlite files, generated credentials. */
  dataDir: string;
  /** PostgreSQL instead of PGlite when set. */
  databaseUrl?: string;
  redisUrl?: string;
  natsUrl?: string;
  sandbox: boolean;
  logLevel: string;
  role: Role;
  /** Repo root: where contracts/ and generated/ live. */
  root: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function port(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`PORT must be an integer from 0 to 65535, not '${value}'`);
  return n;
}

const optional = (v: string | undefined): string | undefined => (v && v.trim() ? v.trim() : undefined);

export function loadConfig(env: NodeJS.ProcessEnv, overrides: Partial<Config> = {}): Config {
  const root = overrides.root ?? resolve(__dirname, '..');
  const databaseUrl = optional(env.DATABASE_URL);
  const redisUrl = optional(env.REDIS_URL);
  const natsUrl = optional(env.NATS_URL);
  const config: Config = {
    host: optional(env.HOST) ?? '127.0.0.1',
    port: port(env.PORT, 8080),
    dataDir: resolve(optional(env.CONCORD_DATA_DIR) ?? resolve(root, '.concord')),
    sandbox: env.CONCORD_SANDBOX !== 'false',
    logLevel: optional(env.LOG_LEVEL) ?? 'info',
    role: 'all',
    root,
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(redisUrl ? { redisUrl } : {}),
    ...(natsUrl ? { natsUrl } : {}),
    ...overrides,
  };
  if (!ROLES.includes(config.role)) throw new ConfigError(`role must be one of ${ROLES.join(', ')}`);
  return config;
}
