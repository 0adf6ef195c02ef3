/**
 * The upstream catalogue: the declarative file (`concord.yaml` at the project root, or `CONCORD_CONFIG`) that says
 * which upstreams exist, which of them serve the system contracts, and which contract directories outside the
 * package are served. This is the parsed, defaulted shape every consumer codes against; the file's JSON Schema
 * and its loader live beside it.
 */

/** Built-in services a contract's `x-concord-upstream` may name; anything else must be a catalogue upstream. */
export const BUILT_IN_SERVICES = ['orders', 'returns', 'availability', 'erp', 'wms', 'pos', 'admin', 'auth', 'portal'] as const;
export type BuiltInService = (typeof BUILT_IN_SERVICES)[number];

export type SystemName = 'erp' | 'wms' | 'pos';

export type UpstreamAuth =
  | { type: 'header'; name: string; value: string }
  | { type: 'apiKey'; value: string; header?: string; query?: string }
  | { type: 'basic'; username: string; password: string }
  | { type: 'oauth2'; tokenUrl: string; clientId: string; clientSecret: string; scope?: string; audience?: string };

export interface UpstreamConfig {
  /** The catalogue key, `[a-z][a-z0-9-]*`, never a built-in service name. */
  name: string;
  /** http or https, optionally with a base path that every request is sent under. */
  url: string;
  timeoutMs: number;
  /** Requests in flight at once; more wait in the queue. */
  maxInFlight: number;
  /** Requests started per second (token bucket); more wait in the queue. */
  rateLimit?: { perSecond: number; burst: number };
  /** How long a request may wait for a slot before Concord answers 503 with Retry-After. */
  queue: { maxWaitMs: number };
  /** Only for safe methods or requests carrying an Idempotency-Key; Retry-After on 429/503 is honoured. */
  retries: { attempts: number; backoffMs: number; maxBackoffMs: number };
  breaker: { failureThreshold: number; openMs: number };
  tls?: { ca?: string; cert?: string; key?: string; serverName?: string; rejectUnauthorized?: boolean };
  auth?: UpstreamAuth;
  headers: { add: Record<string, string>; strip: string[] };
  path: { stripPrefix?: string; addPrefix?: string };
}

export interface ContractSource {
  /** Absolute path of a directory of OpenAPI (3.0.x or 3.1) documents. */
  dir: string;
  /** `concord`: house rules apply in full. `import`: third-party documents, with defaults for missing extensions. */
  profile: 'concord' | 'import';
  /** Import profile: the upstream of every operation whose document has no `x-concord-upstream`. */
  upstream?: string;
}

export interface Catalogue {
  /** The file it was read from; absent when no file exists and the defaults apply. */
  file?: string;
  upstreams: Record<string, UpstreamConfig>;
  /** `sandbox` (the default) or the name of the upstream that implements that system's contract. */
  systems: Record<SystemName, 'sandbox' | string>;
  contracts: ContractSource[];
}

/** What `npm start` runs with when there is no catalogue file: exactly the built-in platform. */
export const DEFAULT_CATALOGUE: Catalogue = {
  upstreams: {},
  systems: { erp: 'sandbox', wms: 'sandbox', pos: 'sandbox' },
  contracts: [],
};
