import { resolve } from 'node:path';
import { loadCatalogue } from './catalogue/load';
import type { Catalogue } from './catalogue/types';
import type { MetricsAccess } from './server/metrics-endpoint';
import { PACKAGE_ROOT } from './package-root';

export type Role = 'all' | 'gateway' | 'process' | 'system' | 'worker';
export const ROLES: readonly Role[] = ['all', 'gateway', 'process', 'system', 'worker'];

/** The portal is served where partners arrive: the embedded default and the gateway role. */
export const servesPortal = (role: Role): boolean => role === 'all' || role === 'gateway';

/** Everything Concord reads from the environment, read once and passed down. */

export interface Config {
  host: string;
  port: number;
  /** Embedded data: PGlite files, generated credentials. */
  dataDir: string;
  /** PostgreSQL instead of PGlite when set. */
  databaseUrl?: string;
  redisUrl?: string;
  /** Namespace of every Redis key, so environments sharing one Redis never share budgets or locks. */
  redisPrefix: string;
  natsUrl?: string;
  /** Prefix of NATS subjects and stream names, so environments sharing one NATS never see each other's events. */
  natsNamespace?: string;
  sandbox: boolean;
  logLevel: string;
  role: Role;
  /** With `--role gateway`, `worker` or `process`: where the other roles listen (CONCORD_PROCESS_URL, CONCORD_SYSTEM_URL). */
  processUrl?: string;
  systemUrl?: string;
  /** Timeout of one upstream call over HTTP (CONCORD_UPSTREAM_TIMEOUT_MS, default 10 000). */
  upstreamTimeoutMs: number;
  /**
   * With `--role gateway`: run idempotency at the gateway for the operations it proxies too
   * (CONCORD_GATEWAY_IDEMPOTENCY=1). For an upstream that is not a Concord process role, which would otherwise
   * enforce it itself; the stored response then no longer commits with the upstream's state change.
   */
  gatewayIdempotency?: boolean;
  /** Repo root: where contracts/ and generated/ live. */
  root: string;
  /** `iss` and `aud` of the tokens the gateway issues and accepts. */
  jwtIssuer: string;
  jwtAudience: string;
  /** Base64 of 32 bytes; seals the signing keys. Required when instances share one PostgreSQL. */
  masterKey?: string;
  /** Response validation against the contracts: off (default), log, or enforce (502 on a violation; tests). */
  responseValidation: 'off' | 'log' | 'enforce';
  /** External identity providers whose tokens the gateway accepts (CONCORD_TRUSTED_ISSUERS). */
  trustedIssuers: TrustedIssuerConfig[];
  /** Plan rate overrides, e.g. `{"sandbox":{"ratePerSecond":5}}` from CONCORD_PLANS. */
  plans?: Record<string, { ratePerSecond?: number; burst?: number }>;
  /**
   * Mark the portal's session cookie Secure on every response (CONCORD_SECURE_COOKIES=1), for Concord serving TLS
   * itself; behind a TLS proxy `X-Forwarded-Proto: https` already does.
   */
  portalSecureCookies: boolean;
  /**
   * CONCORD_TRUST_PROXY: `1` believes X-Forwarded-For from any hop, or a comma-separated list of proxy addresses
   * or CIDRs believes only those. Unset: the socket's address is the client's.
   */
  trustProxy?: boolean | string;
  /** The upstream catalogue (`concord.yaml` at the root, or CONCORD_CONFIG); DEFAULT_CATALOGUE without a file. */
  catalogue: Catalogue;
  /** Who may read /metrics (ADR 0011): CONCORD_METRICS_TOKEN, CONCORD_METRICS_PORT, CONCORD_METRICS_HOST. */
  metrics: MetricsAccess;
}

export interface TrustedIssuerConfig {
  issuer: string;
  audience: string;
  /** https, or http on loopback. */
  jwksUrl: string;
  /** The plan whose rate limits apply to this issuer's callers. */
  plan: string;
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

function responseValidation(value: string | undefined): Config['responseValidation'] {
  if (value === undefined) return 'off';
  if (value === 'off' || value === 'log' || value === 'enforce') return value;
  throw new ConfigError(`CONCORD_RESPONSE_VALIDATION must be off, log or enforce, not '${value}'`);
}

function trustedIssuers(value: string | undefined): TrustedIssuerConfig[] {
  if (!value) return [];
  const usage = 'CONCORD_TRUSTED_ISSUERS must be a JSON array of {"issuer","audience","jwksUrl","plan"}';
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new ConfigError(usage);
  }
  if (!Array.isArray(parsed)) throw new ConfigError(usage);
  return parsed.map((entry, i) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    for (const key of ['issuer', 'audience', 'jwksUrl', 'plan']) {
      if (typeof e[key] !== 'string' || !(e[key] as string).trim()) throw new ConfigError(`${usage}: entry ${i} has no ${key}`);
    }
    return { issuer: e.issuer as string, audience: e.audience as string, jwksUrl: e.jwksUrl as string, plan: e.plan as string };
  });
}

function plans(value: string | undefined): Config['plans'] {
  if (!value) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Config['plans'];
  } catch {
    // reported below
  }
  throw new ConfigError('CONCORD_PLANS must be a JSON object such as {"sandbox":{"ratePerSecond":5}}');
}

function url(name: string, value: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL, not '${value}'`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ConfigError(`${name} must be an http(s) URL, not '${value}'`);
  return parsed.origin;
}

/** What each role needs (README, "Roles"): a shared PostgreSQL, and the URLs of the roles it calls. */
function checkRole(config: Config): void {
  if (config.role === 'all') return;
  if (!config.databaseUrl) {
    throw new ConfigError(`--role ${config.role} needs DATABASE_URL: the roles share one PostgreSQL (the embedded PGlite belongs to one process)`);
  }
  const needs: Array<[boolean, string, string | undefined]> = [
    [config.role === 'gateway', 'CONCORD_PROCESS_URL', config.processUrl],
    [config.role !== 'system', 'CONCORD_SYSTEM_URL', config.systemUrl],
  ];
  for (const [needed, name, value] of needs) {
    if (needed && !value) throw new ConfigError(`--role ${config.role} needs ${name}: the URL of the role it calls`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv, overrides: Partial<Config> = {}): Config {
  const root = overrides.root ?? PACKAGE_ROOT;
  const databaseUrl = optional(env.DATABASE_URL);
  const redisUrl = optional(env.REDIS_URL);
  const natsUrl = optional(env.NATS_URL);
  const masterKey = optional(env.CONCORD_MASTER_KEY);
  const planOverrides = plans(optional(env.CONCORD_PLANS));
  const natsNamespace = optional(env.CONCORD_NATS_NAMESPACE);
  if (natsNamespace !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(natsNamespace)) {
    throw new ConfigError(`CONCORD_NATS_NAMESPACE must be 1–32 letters, digits, '_' or '-', not '${natsNamespace}'`);
  }
  const processUrl = optional(env.CONCORD_PROCESS_URL);
  const systemUrl = optional(env.CONCORD_SYSTEM_URL);
  const timeout = optional(env.CONCORD_UPSTREAM_TIMEOUT_MS) ?? '10000';
  const gatewayIdempotency = optional(env.CONCORD_GATEWAY_IDEMPOTENCY);
  if (gatewayIdempotency !== undefined && gatewayIdempotency !== '0' && gatewayIdempotency !== '1') {
    throw new ConfigError(`CONCORD_GATEWAY_IDEMPOTENCY must be 0 or 1, not '${gatewayIdempotency}'`);
  }
  const trustProxy = optional(env.CONCORD_TRUST_PROXY);
  if (trustProxy !== undefined && !/^(0|1|[0-9A-Fa-f.:/]+(\s*,\s*[0-9A-Fa-f.:/]+)*)$/.test(trustProxy)) {
    throw new ConfigError(`CONCORD_TRUST_PROXY must be 0, 1 or a comma-separated list of proxy addresses or CIDRs, not '${trustProxy}'`);
  }
  const secureCookies = optional(env.CONCORD_SECURE_COOKIES);
  if (secureCookies !== undefined && secureCookies !== '0' && secureCookies !== '1') {
    throw new ConfigError(`CONCORD_SECURE_COOKIES must be 0 or 1, not '${secureCookies}'`);
  }
  const metricsToken = optional(env.CONCORD_METRICS_TOKEN);
  if (metricsToken !== undefined && !/^[\x21-\x7e]{16,256}$/.test(metricsToken)) {
    throw new ConfigError('CONCORD_METRICS_TOKEN must be 16 to 256 printable characters without spaces');
  }
  const metricsPort = optional(env.CONCORD_METRICS_PORT);
  if (!/^\d+$/.test(timeout) || Number(timeout) < 1) throw new ConfigError(`CONCORD_UPSTREAM_TIMEOUT_MS must be a positive integer, not '${timeout}'`);
  const config: Config = {
    host: optional(env.HOST) ?? '127.0.0.1',
    port: port(env.PORT, 8080),
    dataDir: resolve(optional(env.CONCORD_DATA_DIR) ?? resolve(root, '.concord')),
    sandbox: env.CONCORD_SANDBOX !== 'false',
    logLevel: optional(env.LOG_LEVEL) ?? 'info',
    role: 'all',
    root,
    responseValidation: responseValidation(optional(env.CONCORD_RESPONSE_VALIDATION)),
    redisPrefix: optional(env.CONCORD_REDIS_PREFIX) ?? 'concord',
    trustedIssuers: trustedIssuers(optional(env.CONCORD_TRUSTED_ISSUERS)),
    jwtIssuer: optional(env.CONCORD_JWT_ISSUER) ?? 'urn:concord:gateway',
    jwtAudience: optional(env.CONCORD_JWT_AUDIENCE) ?? 'urn:concord:api',
    ...(masterKey ? { masterKey } : {}),
    ...(planOverrides ? { plans: planOverrides } : {}),
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(redisUrl ? { redisUrl } : {}),
    ...(natsUrl ? { natsUrl } : {}),
    ...(natsNamespace ? { natsNamespace } : {}),
    ...(processUrl ? { processUrl: url('CONCORD_PROCESS_URL', processUrl) } : {}),
    ...(systemUrl ? { systemUrl: url('CONCORD_SYSTEM_URL', systemUrl) } : {}),
    upstreamTimeoutMs: Number(timeout),
    metrics: {
      host: optional(env.CONCORD_METRICS_HOST) ?? '127.0.0.1',
      ...(metricsToken ? { token: metricsToken } : {}),
      ...(metricsPort !== undefined ? { port: port(metricsPort, 0) } : {}),
    },
    portalSecureCookies: secureCookies === '1',
    ...(trustProxy === undefined || trustProxy === '0' ? {} : { trustProxy: trustProxy === '1' ? true : trustProxy }),
    ...(gatewayIdempotency === '1' ? { gatewayIdempotency: true } : {}),
    ...overrides,
    // Read after the overrides: a test's scratch `root` has its own catalogue (or none).
    catalogue: overrides.catalogue ?? loadCatalogue(root, env),
  };
  if (!ROLES.includes(config.role)) throw new ConfigError(`role must be one of ${ROLES.join(', ')}`);
  checkRole(config);
  return config;
}
