import type { Database, Queryable } from '../../platform/db/database';
import { RegistryError } from './errors';
import { CLIENT_ID_PATTERN, newClientId, newPartnerId, PARTNER_ID_PATTERN } from './ids';
import { decodeCursor, encodeCursor, pageSize } from './pagination';
import { getPlan } from './plans';
import { checkScopes } from './scopes';
import type { SecretHasher } from './secrets';
import { apiKeyIdOf, createScryptHasher, fingerprint, generateApiKey, generateClientSecret } from './secrets';
import * as store from './store';
import type { App, AppCredentials, AppPage, AppStatus, CreateAppRequest, CreatedApiKey, CreatePartnerRequest, Partner, PartnerPage, RotatedSecret } from './types';
import { createVerifyCache } from './verify-cache';

export interface AppRegistryOptions {
  db: Database;
  /** The scope catalogue (contracts/openapi/common/http.yaml): an app can hold only these scopes. */
  knownScopes: ReadonlySet<string>;
  now?: () => Date;
  /** How long a successful credential check is trusted without scrypt; also how long other instances may lag. */
  verifyCacheTtlMs?: number;
  verifyCacheMaxEntries?: number;
  /**
   * Hashes client secrets and API keys: the peppered HMAC of ADR 0011 in production (`createPepperedHasher`);
   * injectable so tests can count hashing. A hasher with `needsRehash` has the registry replace a stored hash it
   * flags (a legacy scrypt one) after a successful check. Scrypt with the default costs when not given.
   */
  hasher?: SecretHasher;
}

/** Fixed ids are for the bootstrap's well-known apps; the admin API never passes them, so ids are generated. */
export type CreatePartnerInput = CreatePartnerRequest & { id?: string };
export type CreateAppInput = CreateAppRequest & { clientId?: string };

/**
 * Why a credential was refused. `invalid`: unknown client or key, wrong secret, revoked key (the token endpoint's
 * `invalid_client`). `suspended`: the credential is right but the app is suspended (`unauthorized_client`); it is
 * only ever reported to a caller that presented the right secret.
 */
export type VerifyFailure = 'invalid' | 'suspended';
export type ClientSecretVerification = { app: App; reason?: undefined } | { app: null; reason: VerifyFailure };
export type ApiKeyVerification = { app: App; keyId: string; reason?: undefined } | { app: null; keyId?: undefined; reason: VerifyFailure };

export interface ListAppsQuery {
  partnerId?: string;
  status?: AppStatus;
  cursor?: string;
  limit?: number;
}

/** What may run inside `initializeIfEmpty`'s transaction. */
export interface RegistryWriter {
  createPartner(input: CreatePartnerInput): Promise<Partner>;
  /** The secret and key are in this result only; the registry keeps their hashes. */
  createApp(input: CreateAppInput): Promise<AppCredentials>;
}

export interface AppRegistry extends RegistryWriter {
  getPartner(id: string): Promise<Partner | undefined>;
  listPartners(query?: { cursor?: string; limit?: number }): Promise<PartnerPage>;
  getApp(clientId: string): Promise<App | undefined>;
  listApps(query?: ListAppsQuery): Promise<AppPage>;
  suspendApp(clientId: string): Promise<App>;
  activateApp(clientId: string): Promise<App>;
  /**
   * The old secret stops working at once on this instance, within the cache TTL on others. With `revokeTokens`
   * the app's token generation goes up, so tokens issued before are refused too.
   */
  rotateSecret(clientId: string, opts?: { revokeTokens?: boolean }): Promise<RotatedSecret>;
  createApiKey(clientId: string): Promise<CreatedApiKey>;
  revokeApiKey(clientId: string, keyId: string): Promise<void>;
  requestPlanChange(clientId: string, plan: string): Promise<App>;
  approvePlanChange(clientId: string): Promise<App>;
  rejectPlanChange(clientId: string): Promise<App>;
  verifyClientSecret(clientId: string, secret: string): Promise<ClientSecretVerification>;
  /** The app when this exact secret passed a check on this instance within the cache TTL; no database, no hash. */
  cachedClientSecret(clientId: string, secret: string): App | undefined;
  verifyApiKey(apiKey: string): Promise<ApiKeyVerification>;
  /**
   * Runs `fn` in one transaction if no app exists yet, and returns its result; otherwise returns undefined.
   * Serialised across instances, so exactly one of several first starts against one PostgreSQL seeds.
   */
  initializeIfEmpty<T>(fn: (writer: RegistryWriter) => Promise<T>): Promise<T | undefined>;
}

const BOOTSTRAP_LOCK = 7_402_118;
// Longer than any credential Concord issues (the contract caps them at 128): refuse before spending scrypt on it.
const MAX_PRESENTED_LENGTH = 256;
const INVALID = { app: null, reason: 'invalid' } as const;
const SUSPENDED = { app: null, reason: 'suspended' } as const;

const notFound = (clientId: string) => new RegistryError('not-found', `no app ${clientId}`);

/** Cached apps are shared between requests, so no caller may change one in place. */
function frozen(app: App): App {
  app.apiKeys.forEach((k) => Object.freeze(k));
  Object.freeze(app.apiKeys);
  Object.freeze(app.scopes);
  return Object.freeze(app);
}

function checkText(value: string, max: number, pointer: string): void {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > max) {
    throw new RegistryError('invalid', `${pointer.slice(1)} must be 1 to ${max} characters`, pointer);
  }
}

export function createAppRegistry(options: AppRegistryOptions): AppRegistry {
  const { db, knownScopes } = options;
  const now = options.now ?? (() => new Date());
  const hasher = options.hasher ?? createScryptHasher();
  const cache = createVerifyCache<App>({
    ttlMs: options.verifyCacheTtlMs ?? 60_000,
    now: () => now().getTime(),
    ...(options.verifyCacheMaxEntries === undefined ? {} : { maxEntries: options.verifyCacheMaxEntries }),
  });

  /**
   * Replaces a legacy hash after the secret it hides was presented. Conditional on the old hash, so a rotation
   * that committed meanwhile is never overwritten; a failed write only means the next use tries again.
   */
  const rehash = async (secret: string, replace: (fresh: string) => Promise<unknown>) => {
    try {
      await replace(await hasher.hash(secret));
    } catch {
      // Verification succeeded; the migration waits for the next successful use.
    }
  };

  /** The creating operations over `q`; `atomic` is a new transaction, or the enclosing one during bootstrap. */
  const writer = (q: Queryable, atomic: <T>(fn: (tx: Queryable) => Promise<T>) => Promise<T>): RegistryWriter => ({
    async createPartner(input) {
      checkText(input.name, 200, '/name');
      checkText(input.contactEmail, 254, '/contactEmail');
      if (!input.contactEmail.includes('@')) throw new RegistryError('invalid', 'contactEmail is not an email address', '/contactEmail');
      if (input.id !== undefined && !PARTNER_ID_PATTERN.test(input.id)) throw new RegistryError('invalid', `partner id must match ${PARTNER_ID_PATTERN}`, '/id');
      const partner = { id: input.id ?? (await newPartnerId()), name: input.name, contactEmail: input.contactEmail, createdAt: now().toISOString() };
      const created = await store.insertPartner(q, partner);
      if (!created) throw new RegistryError('conflict', `partner ${partner.id} already exists`);
      return created;
    },

    async createApp(input) {
      checkText(input.name, 200, '/name');
      if (input.clientId !== undefined && !CLIENT_ID_PATTERN.test(input.clientId)) {
        throw new RegistryError('invalid', `client id must match ${CLIENT_ID_PATTERN}`, '/clientId');
      }
      if (!(await getPlan(q, input.plan))) throw new RegistryError('unknown-plan', `plan ${input.plan} does not exist`, '/plan');
      if (input.partnerId !== undefined && !(await store.findPartner(q, input.partnerId))) {
        throw new RegistryError('unknown-partner', `partner ${input.partnerId} does not exist`, '/partnerId');
      }
      checkScopes(input.scopes, knownScopes, input.partnerId !== undefined);

      const clientId = input.clientId ?? (await newClientId());
      const [clientSecret, key] = await Promise.all([generateClientSecret(), generateApiKey()]);
      // Hash before the transaction opens, so it is not held for the ~100 ms scrypt takes.
      const [secretHash, keyHash] = await Promise.all([hasher.hash(clientSecret), hasher.hash(key.apiKey)]);
      const createdAt = now().toISOString();
      const app = await atomic(async (tx) => {
        const inserted = await store.insertApp(tx, {
          clientId,
          name: input.name,
          ...(input.partnerId === undefined ? {} : { partnerId: input.partnerId }),
          plan: input.plan,
          scopes: input.scopes,
          secretHash,
          createdAt,
        });
        if (!inserted) throw new RegistryError('conflict', `app ${clientId} already exists`);
        await store.insertApiKey(tx, { keyId: key.keyId, clientId, prefix: key.prefix, hash: keyHash, createdAt });
        return store.findApp(tx, clientId);
      });
      if (!app) throw notFound(clientId);
      return { app, clientId, clientSecret, apiKey: key.apiKey };
    },
  });

  const appOrThrow = async (clientId: string): Promise<App> => (await store.findApp(db, clientId)) ?? Promise.reject(notFound(clientId));

  /** After a change to an app commits: its cached verifications are dropped, then the fresh app is returned. */
  const changed = async (clientId: string, matched: boolean, conflictMessage?: string): Promise<App> => {
    cache.invalidate(clientId);
    if (matched) return appOrThrow(clientId);
    if (conflictMessage !== undefined && (await store.appExists(db, clientId))) throw new RegistryError('conflict', conflictMessage);
    throw notFound(clientId);
  };

  const remember = (key: string, clientId: string, app: App, generation: number): App => {
    const shared = frozen(app);
    cache.set(key, clientId, shared, generation);
    return shared;
  };

  return {
    ...writer(db, (fn) => db.transaction(fn)),

    getPartner: (id) => store.findPartner(db, id),

    async listPartners(query = {}) {
      const limit = pageSize(query.limit);
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      const rows = await store.findPartners(db, { ...(after ? { after } : {}), limit: limit + 1 });
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null };
    },

    getApp: (clientId) => store.findApp(db, clientId),

    async listApps(query = {}) {
      const limit = pageSize(query.limit);
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      // One extra row tells whether another page exists without a count query.
      const rows = await store.findApps(db, {
        ...(query.partnerId === undefined ? {} : { partnerId: query.partnerId }),
        ...(query.status === undefined ? {} : { status: query.status }),
        ...(after ? { after } : {}),
        limit: limit + 1,
      });
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.clientId }) : null };
    },

    suspendApp: async (clientId) => changed(clientId, await store.setStatus(db, clientId, 'suspended')),
    activateApp: async (clientId) => changed(clientId, await store.setStatus(db, clientId, 'active')),

    async rotateSecret(clientId, opts = {}) {
      const clientSecret = await generateClientSecret();
      await changed(clientId, await store.setSecretHash(db, clientId, await hasher.hash(clientSecret), opts.revokeTokens === true));
      return { clientId, clientSecret };
    },

    async createApiKey(clientId) {
      if (!(await store.appExists(db, clientId))) throw notFound(clientId);
      const key = await generateApiKey();
      const createdAt = now().toISOString();
      await store.insertApiKey(db, { keyId: key.keyId, clientId, prefix: key.prefix, hash: await hasher.hash(key.apiKey), createdAt });
      // Cached apps list their keys; drop them so the next verification shows the new one.
      cache.invalidate(clientId);
      return { keyId: key.keyId, apiKey: key.apiKey, prefix: key.prefix, createdAt };
    },

    async revokeApiKey(clientId, keyId) {
      const revoked = await store.revokeKey(db, clientId, keyId, now().toISOString());
      cache.invalidate(clientId);
      if (!revoked) throw new RegistryError('not-found', `app ${clientId} has no API key ${keyId}`);
    },

    async requestPlanChange(clientId, plan) {
      if (!(await getPlan(db, plan))) throw new RegistryError('unknown-plan', `plan ${plan} does not exist`, '/plan');
      return changed(clientId, await store.setRequestedPlan(db, clientId, plan), `${clientId} is already on plan ${plan}`);
    },
    approvePlanChange: async (clientId) =>
      changed(clientId, await store.settlePlanRequest(db, clientId, true), `${clientId} has no pending plan request`),
    rejectPlanChange: async (clientId) =>
      changed(clientId, await store.settlePlanRequest(db, clientId, false), `${clientId} has no pending plan request`),

    cachedClientSecret: (clientId, secret) => cache.get(fingerprint('client-secret', clientId, secret)),

    async verifyClientSecret(clientId, secret) {
      const key = fingerprint('client-secret', clientId, secret);
      const cached = cache.get(key);
      if (cached) return { app: cached };
      if (secret.length > MAX_PRESENTED_LENGTH) return INVALID;
      const generation = cache.generation();
      const hash = await store.secretHashOf(db, clientId);
      if (hash === undefined || !(await hasher.verify(secret, hash))) return INVALID;
      if (hasher.needsRehash?.(hash)) await rehash(secret, (fresh) => store.replaceSecretHash(db, clientId, hash, fresh));
      const app = await store.findApp(db, clientId);
      if (!app) return INVALID;
      if (app.status !== 'active') return SUSPENDED;
      return { app: remember(key, clientId, app, generation) };
    },

    async verifyApiKey(apiKey) {
      // The id inside the key finds its one row, so a malformed key costs neither a query nor a hash.
      const keyId = apiKey.length <= MAX_PRESENTED_LENGTH ? apiKeyIdOf(apiKey) : undefined;
      if (!keyId) return INVALID;
      const key = fingerprint('api-key', keyId, apiKey);
      const cached = cache.get(key);
      if (cached) return { app: cached, keyId };
      const generation = cache.generation();
      const live = await store.liveApiKey(db, keyId);
      if (!live || !(await hasher.verify(apiKey, live.hash))) return INVALID;
      if (hasher.needsRehash?.(live.hash)) await rehash(apiKey, (fresh) => store.replaceApiKeyHash(db, keyId, live.hash, fresh));
      const app = await store.findApp(db, live.clientId);
      if (!app) return INVALID;
      if (app.status !== 'active') return SUSPENDED;
      return { app: remember(key, live.clientId, app, generation), keyId };
    },

    initializeIfEmpty(fn) {
      return db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK]);
        if (await store.hasAnyApp(tx)) return undefined;
        return fn(writer(tx, (inner) => inner(tx)));
      });
    },
  };
}
