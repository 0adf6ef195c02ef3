import type { CryptoKey, JWK } from 'jose';
import { exportJWK, generateKeyPair, importJWK } from 'jose';
import type { Database } from '../../platform/db/database';
import { newId } from '../../platform/ids';
import type { PrivateKeyCipher } from './key-encryption';
import { createPrivateKeyCipher } from './key-encryption';

export const SIGNING_ALG = 'ES256';

/** What the token issuer needs: the key to sign with. */
export interface SigningKeySource {
  activeKey(): Promise<ActiveSigningKey>;
  /** Tokens must not outlive this, or they would outlive the retiring key's publication window. */
  readonly maxTokenTtlSeconds?: number;
}

/** What the verifier needs: a public key by `kid`, or undefined when no live key has that kid. */
export interface VerificationKeySource {
  verificationKey(kid: string): Promise<CryptoKey | undefined>;
}

export interface ActiveSigningKey {
  kid: string;
  alg: typeof SIGNING_ALG;
  privateKey: CryptoKey;
}

export interface SigningKeyInfo {
  kid: string;
  alg: typeof SIGNING_ALG;
  status: 'active' | 'retiring';
  createdAt: Date;
  retiringSince: Date | null;
  /** When a retiring key stops being published and accepted; null while active. */
  notAfter: Date | null;
}

export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg: typeof SIGNING_ALG;
  use: 'sig';
}

export interface SigningKeyStore extends SigningKeySource, VerificationKeySource {
  readonly maxTokenTtlSeconds: number;
  /** Creates the first key when there is no active one. Safe to call from several instances at once. */
  ensureActiveKey(): Promise<SigningKeyInfo>;
  /** A new active key with a new kid; the previous one retires and stays published for `retentionSeconds`. */
  rotate(): Promise<SigningKeyInfo>;
  /** The active key and every retiring key still inside its window, for `/.well-known/jwks.json`. */
  publicJwks(): Promise<{ keys: PublicJwk[] }>;
  /** Every stored key, read afresh from the database. */
  list(): Promise<SigningKeyInfo[]>;
  /** Re-reads the keys, e.g. after another instance rotated. */
  refresh(): Promise<void>;
  /** How long a retired key stays published. */
  readonly retentionSeconds: number;
}

export interface SigningKeyStoreOptions {
  db: Pick<Database, 'query' | 'transaction'>;
  /** 32 bytes, from loadOrCreateMasterKey(). */
  masterKey: Buffer;
  now?: () => Date;
  /** The longest token lifetime the issuer may use. */
  tokenTtlSeconds?: number;
  /** The verifiers' clock tolerance. */
  clockToleranceSeconds?: number;
  /**
   * How stale this instance's in-memory keys may get. Another instance's rotation is seen within this time,
   * so this instance may sign with the old key for that long after it retired; the window covers it.
   */
  refreshIntervalSeconds?: number;
  /**
   * A periodic refresh failed (database down). The keys already loaded keep serving, so signing and
   * verification survive a database blip; the refresh is retried a few seconds later. Pass a logger here.
   */
  onRefreshError?: (err: unknown) => void;
}

interface LoadedKey {
  info: SigningKeyInfo;
  publicJwk: Pick<PublicJwk, 'kty' | 'crv' | 'x' | 'y'>;
  publicKey: CryptoKey;
  privateKey?: CryptoKey;
}

interface Loaded {
  atMs: number;
  keys: Map<string, LoadedKey>;
  active?: LoadedKey;
}

interface KeyRow {
  kid: string;
  alg: string;
  public_jwk: unknown;
  private_jwk_encrypted: string;
  status: string;
  created_at: unknown;
  retiring_since: unknown;
  not_after: unknown;
}

/** Distinct from the migration lock; serialises key creation and rotation across instances. */
const KEY_LOCK = 7_402_301;
/** An unknown kid may be a key another instance just created; re-read at most this often to find out. */
const UNKNOWN_KID_RELOAD_MS = 1000;
/** After a failed refresh, how long the loaded keys serve before the next attempt. */
const RETRY_AFTER_FAILURE_MS = 5000;

export function createSigningKeyStore(options: SigningKeyStoreOptions): SigningKeyStore {
  const { db } = options;
  const now = options.now ?? (() => new Date());
  const tokenTtlSeconds = options.tokenTtlSeconds ?? 900;
  const refreshMs = (options.refreshIntervalSeconds ?? 60) * 1000;
  const retentionSeconds = tokenTtlSeconds + (options.clockToleranceSeconds ?? 5) + refreshMs / 1000;
  const cipher = createPrivateKeyCipher(options.masterKey);

  let loaded: Loaded | undefined;
  let loading: Promise<Loaded> | undefined;
  let started = 0;
  let applied = 0;

  // Numbered, so a read that started before a rotation and finishes after it cannot bring back the old state.
  const load = async (): Promise<Loaded> => {
    const seq = ++started;
    const result = await loadKeys(db, cipher, loaded?.keys, now().getTime());
    if (seq > applied) {
      applied = seq;
      loaded = result;
    }
    return result;
  };

  /** For reads: concurrent callers share one query. Writes call load() so they see their own commit. */
  const reload = (): Promise<Loaded> =>
    (loading ??= load().finally(() => {
      loading = undefined;
    }));

  let failedAtMs: number | undefined;
  const fresh = async (): Promise<Loaded> => {
    const nowMs = now().getTime();
    if (loaded && !due(loaded.atMs, refreshMs, nowMs)) return loaded;
    if (loaded && failedAtMs !== undefined && !due(failedAtMs, RETRY_AFTER_FAILURE_MS, nowMs)) return loaded;
    try {
      const result = await reload();
      failedAtMs = undefined;
      return result;
    } catch (err) {
      // Nothing loaded yet (e.g. a wrong master key at start-up) is fatal; a failed refresh is not.
      if (!loaded) throw err;
      failedAtMs = nowMs;
      options.onRefreshError?.(err);
      return loaded;
    }
  };

  let kidReloadAtMs = Number.NEGATIVE_INFINITY;
  /** Re-reads for an unknown kid, rate-limited; on a database error the loaded keys stand (the kid stays unknown). */
  const reloadForKid = async (current: Loaded): Promise<Loaded> => {
    const nowMs = now().getTime();
    if (!due(Math.max(current.atMs, kidReloadAtMs, failedAtMs ?? Number.NEGATIVE_INFINITY), UNKNOWN_KID_RELOAD_MS, nowMs)) return current;
    kidReloadAtMs = nowMs;
    try {
      return await reload();
    } catch (err) {
      options.onRefreshError?.(err);
      return current;
    }
  };

  const isLive = (k: LoadedKey, nowMs: number): boolean =>
    k.info.status === 'active' || (k.info.notAfter !== null && k.info.notAfter.getTime() > nowMs);

  const newKeyPair = async (kid: string) => {
    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
    const { kty, crv, x, y } = await exportJWK(publicKey);
    const sealed = cipher.seal(JSON.stringify(await exportJWK(privateKey)), kid);
    return { publicJwk: { kty, crv, x, y }, sealed };
  };

  const insertActive = async (tx: Pick<Database, 'query'>, kid: string, at: Date, key: Awaited<ReturnType<typeof newKeyPair>>) => {
    await tx.query(
      `INSERT INTO concord.signing_keys (kid, alg, public_jwk, private_jwk_encrypted, status, created_at)
       VALUES ($1, $2, $3::jsonb, $4, 'active', $5::timestamptz)`,
      [kid, SIGNING_ALG, JSON.stringify(key.publicJwk), key.sealed, at.toISOString()],
    );
  };

  const activeInfo = async (): Promise<SigningKeyInfo> => {
    const { active } = await load();
    if (!active) throw new Error('no active signing key after creating one');
    return active.info;
  };

  const ensureActiveKey = async (): Promise<SigningKeyInfo> => {
    const current = await fresh();
    if (current.active) return current.active.info;
    const at = now();
    const kid = newId('sig', at.getTime());
    // Generated outside the transaction, so the lock is held only for the writes.
    const key = await newKeyPair(kid);
    await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [KEY_LOCK]);
      const { rows } = await tx.query(`SELECT kid FROM concord.signing_keys WHERE status = 'active'`);
      if (rows.length === 0) await insertActive(tx, kid, at, key);
    });
    return activeInfo();
  };

  return {
    maxTokenTtlSeconds: tokenTtlSeconds,
    retentionSeconds,
    ensureActiveKey,

    async rotate() {
      const at = now();
      const kid = newId('sig', at.getTime());
      const key = await newKeyPair(kid);
      const notAfter = new Date(at.getTime() + retentionSeconds * 1000);
      await db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [KEY_LOCK]);
        // Keys past their window can verify nothing any more; dropping them keeps sealed secrets to a minimum.
        await tx.query(`DELETE FROM concord.signing_keys WHERE status = 'retiring' AND not_after <= $1::timestamptz`, [at.toISOString()]);
        await tx.query(
          `UPDATE concord.signing_keys SET status = 'retiring', retiring_since = $1::timestamptz, not_after = $2::timestamptz
            WHERE status = 'active'`,
          [at.toISOString(), notAfter.toISOString()],
        );
        await insertActive(tx, kid, at, key);
      });
      return activeInfo();
    },

    async activeKey() {
      let current = await fresh();
      // Lazily, so a caller that forgot ensureActiveKey() at start-up still works.
      if (!current.active) {
        await ensureActiveKey();
        current = await fresh();
      }
      const active = current.active;
      if (!active?.privateKey) throw new Error('no active signing key');
      return { kid: active.info.kid, alg: SIGNING_ALG, privateKey: active.privateKey };
    },

    async verificationKey(kid) {
      const current = await fresh();
      const key = current.keys.get(kid) ?? (await reloadForKid(current)).keys.get(kid);
      return key && isLive(key, now().getTime()) ? key.publicKey : undefined;
    },

    async publicJwks() {
      const current = await fresh();
      const nowMs = now().getTime();
      const live = [...current.keys.values()].filter((k) => isLive(k, nowMs));
      // Active first, then newest first: clients that take the first key get the one in use.
      live.sort((a, b) => (a.info.status === 'active' ? -1 : b.info.status === 'active' ? 1 : b.info.createdAt.getTime() - a.info.createdAt.getTime()));
      return { keys: live.map((k) => ({ ...k.publicJwk, kid: k.info.kid, alg: SIGNING_ALG, use: 'sig' as const })) };
    },

    async list() {
      const current = await load();
      return [...current.keys.values()].map((k) => ({ ...k.info })).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    },

    async refresh() {
      await load();
    },
  };
}

/** Whether `periodMs` has passed since `sinceMs`; a clock that went backwards counts as due. */
function due(sinceMs: number, periodMs: number, nowMs: number): boolean {
  return nowMs < sinceMs || nowMs - sinceMs >= periodMs;
}

/**
 * Reads every key. Public keys are imported once per kid and reused across reloads; only the active key's
 * private half is decrypted, and it is imported non-extractable, so retired secrets never sit in memory.
 */
async function loadKeys(db: Pick<Database, 'query'>, cipher: PrivateKeyCipher, previous: Map<string, LoadedKey> | undefined, atMs: number): Promise<Loaded> {
  const { rows } = await db.query<KeyRow>(
    `SELECT kid, alg, public_jwk, private_jwk_encrypted, status, created_at, retiring_since, not_after FROM concord.signing_keys`,
  );
  const keys = new Map<string, LoadedKey>();
  let active: LoadedKey | undefined;
  for (const row of rows) {
    if (row.alg !== SIGNING_ALG) throw new Error(`signing key ${row.kid}: unsupported alg ${row.alg}`);
    const info: SigningKeyInfo = {
      kid: row.kid,
      alg: SIGNING_ALG,
      status: row.status === 'active' ? 'active' : 'retiring',
      createdAt: toDate(row.created_at) ?? new Date(0),
      retiringSince: toDate(row.retiring_since),
      notAfter: toDate(row.not_after),
    };
    const before = previous?.get(row.kid);
    const publicJwk = before?.publicJwk ?? parsePublicJwk(row.kid, row.public_jwk);
    const publicKey = before?.publicKey ?? ((await importJWK({ ...publicJwk, alg: SIGNING_ALG }, SIGNING_ALG)) as CryptoKey);
    const key: LoadedKey = { info, publicJwk, publicKey };
    if (info.status === 'active') {
      key.privateKey = before?.privateKey ?? (await importPrivateKey(cipher, row));
      active = key;
    }
    keys.set(row.kid, key);
  }
  return { atMs, keys, active };
}

async function importPrivateKey(cipher: PrivateKeyCipher, row: KeyRow): Promise<CryptoKey> {
  const jwk = JSON.parse(cipher.open(row.private_jwk_encrypted, row.kid)) as JWK;
  return (await importJWK(jwk, SIGNING_ALG, { extractable: false })) as CryptoKey;
}

function parsePublicJwk(kid: string, value: unknown): LoadedKey['publicJwk'] {
  const jwk = (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown> | null;
  if (!jwk || jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string' || 'd' in jwk) {
    throw new Error(`signing key ${kid}: the stored public key is not a P-256 public JWK`);
  }
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
}

/** pg and PGlite both return timestamptz as Date; strings are accepted in case a driver is configured otherwise. */
function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(String(value));
}
