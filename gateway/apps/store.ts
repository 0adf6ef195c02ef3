import type { Queryable } from '../../platform/db/database';
import type { Position } from './pagination';
import type { ApiKeySummary, App, AppStatus, Partner } from './types';

/**
 * SQL for the registry's tables. Everything that returns API shapes selects named columns, never `*`, so a
 * hash can never reach a response or a log by accident; the two credential lookups at the bottom are the only
 * readers of hashes and are not exported from the module.
 */

interface AppRow {
  client_id: string;
  name: string;
  partner_id: string | null;
  plan: string;
  scopes: string[];
  status: AppStatus;
  requested_plan: string | null;
  token_generation: number;
  created_at: Date | string;
}

interface KeyRow {
  key_id: string;
  client_id: string;
  prefix: string;
  created_at: Date | string;
  revoked_at: Date | string | null;
}

interface PartnerRow {
  id: string;
  name: string;
  contact_email: string;
  created_at: Date | string;
}

const APP_COLUMNS = 'client_id, name, partner_id, plan, scopes, status, requested_plan, token_generation, created_at';
const KEY_COLUMNS = 'key_id, client_id, prefix, created_at, revoked_at';
const PARTNER_COLUMNS = 'id, name, contact_email, created_at';

// pg and PGlite both parse timestamptz into Date; accept a string too in case a driver is configured not to.
const iso = (v: Date | string): string => new Date(v).toISOString();

const toKey = (r: KeyRow): ApiKeySummary => ({
  keyId: r.key_id,
  prefix: r.prefix,
  createdAt: iso(r.created_at),
  ...(r.revoked_at === null ? {} : { revokedAt: iso(r.revoked_at) }),
});

// Optional contract fields are omitted rather than null: the App schema does not allow null.
const toApp = (r: AppRow, keys: ApiKeySummary[]): App => ({
  clientId: r.client_id,
  name: r.name,
  ...(r.partner_id === null ? {} : { partnerId: r.partner_id }),
  plan: r.plan,
  scopes: r.scopes,
  status: r.status,
  apiKeys: keys,
  ...(r.requested_plan === null ? {} : { requestedPlan: r.requested_plan }),
  tokenGeneration: r.token_generation,
  createdAt: iso(r.created_at),
});

const toPartner = (r: PartnerRow): Partner => ({ id: r.id, name: r.name, contactEmail: r.contact_email, createdAt: iso(r.created_at) });

async function withKeys(q: Queryable, rows: AppRow[]): Promise<App[]> {
  if (rows.length === 0) return [];
  const { rows: keys } = await q.query<KeyRow>(
    `SELECT ${KEY_COLUMNS} FROM concord.api_keys WHERE client_id = ANY($1::text[]) ORDER BY created_at, key_id`,
    [rows.map((r) => r.client_id)],
  );
  const byApp = new Map<string, ApiKeySummary[]>();
  for (const k of keys) byApp.set(k.client_id, [...(byApp.get(k.client_id) ?? []), toKey(k)]);
  return rows.map((r) => toApp(r, byApp.get(r.client_id) ?? []));
}

export async function findApp(q: Queryable, clientId: string): Promise<App | undefined> {
  const { rows } = await q.query<AppRow>(`SELECT ${APP_COLUMNS} FROM concord.apps WHERE client_id = $1`, [clientId]);
  return (await withKeys(q, rows))[0];
}

export interface AppFilter {
  partnerId?: string;
  status?: AppStatus;
  after?: Position;
  limit: number;
}

/** Oldest first, ties broken by client id: a total order, which keyset paging needs. */
export async function findApps(q: Queryable, f: AppFilter): Promise<App[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (v: unknown) => `$${params.push(v)}`;
  if (f.partnerId !== undefined) where.push(`partner_id = ${param(f.partnerId)}`);
  if (f.status !== undefined) where.push(`status = ${param(f.status)}`);
  if (f.after) where.push(`(created_at, client_id) > (${param(f.after.createdAt)}::timestamptz, ${param(f.after.id)})`);
  const { rows } = await q.query<AppRow>(
    `SELECT ${APP_COLUMNS} FROM concord.apps ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY created_at, client_id LIMIT ${param(f.limit)}`,
    params,
  );
  return withKeys(q, rows);
}

export async function hasAnyApp(q: Queryable): Promise<boolean> {
  const { rows } = await q.query('SELECT 1 FROM concord.apps LIMIT 1');
  return rows.length > 0;
}

export interface NewApp {
  clientId: string;
  name: string;
  partnerId?: string;
  plan: string;
  scopes: readonly string[];
  secretHash: string;
  createdAt: string;
}

/** False when the client id is taken. */
export async function insertApp(q: Queryable, a: NewApp): Promise<boolean> {
  const { rows } = await q.query(
    `INSERT INTO concord.apps (client_id, name, partner_id, plan, scopes, status, secret_hash, created_at)
     VALUES ($1, $2, $3, $4, $5::text[], 'active', $6, $7::timestamptz)
     ON CONFLICT (client_id) DO NOTHING RETURNING client_id`,
    [a.clientId, a.name, a.partnerId ?? null, a.plan, [...a.scopes], a.secretHash, a.createdAt],
  );
  return rows.length > 0;
}

export interface NewApiKey {
  keyId: string;
  clientId: string;
  prefix: string;
  hash: string;
  createdAt: string;
}

export async function insertApiKey(q: Queryable, k: NewApiKey): Promise<void> {
  await q.query(
    'INSERT INTO concord.api_keys (key_id, client_id, prefix, hash, created_at) VALUES ($1, $2, $3, $4, $5::timestamptz)',
    [k.keyId, k.clientId, k.prefix, k.hash, k.createdAt],
  );
}

async function updated(q: Queryable, sql: string, params: readonly unknown[]): Promise<boolean> {
  return (await q.query(`${sql} RETURNING client_id`, params)).rows.length > 0;
}

// Each update below answers false when no row matched: the app is missing, or (plans) its state forbids it.

export const setStatus = (q: Queryable, clientId: string, status: AppStatus) =>
  updated(q, 'UPDATE concord.apps SET status = $2 WHERE client_id = $1', [clientId, status]);

/** A new secret hash; `revokeTokens` also raises the token generation, so every token issued before is refused. */
export const setSecretHash = (q: Queryable, clientId: string, hash: string, revokeTokens = false) =>
  updated(
    q,
    `UPDATE concord.apps SET secret_hash = $2${revokeTokens ? ', token_generation = token_generation + 1' : ''} WHERE client_id = $1`,
    [clientId, hash],
  );

/** Replaces a secret hash only if it is still `old`: migrating a legacy hash must not undo a rotation. */
export const replaceSecretHash = (q: Queryable, clientId: string, old: string, hash: string) =>
  updated(q, 'UPDATE concord.apps SET secret_hash = $3 WHERE client_id = $1 AND secret_hash = $2', [clientId, old, hash]);

/** Replaces an API key's hash only if it is still `old` (see replaceSecretHash). */
export async function replaceApiKeyHash(q: Queryable, keyId: string, old: string, hash: string): Promise<boolean> {
  return (await q.query('UPDATE concord.api_keys SET hash = $3 WHERE key_id = $1 AND hash = $2 RETURNING key_id', [keyId, old, hash])).rows.length > 0;
}

/** A new request replaces a pending one; asking for the current plan matches nothing. */
export const setRequestedPlan = (q: Queryable, clientId: string, plan: string) =>
  updated(q, 'UPDATE concord.apps SET requested_plan = $2 WHERE client_id = $1 AND plan <> $2', [clientId, plan]);

/** Approves (moves to the requested plan) or rejects the pending request; matches nothing when none is pending. */
export const settlePlanRequest = (q: Queryable, clientId: string, approve: boolean) =>
  updated(
    q,
    `UPDATE concord.apps SET plan = ${approve ? 'requested_plan' : 'plan'}, requested_plan = NULL
     WHERE client_id = $1 AND requested_plan IS NOT NULL`,
    [clientId],
  );

export async function appExists(q: Queryable, clientId: string): Promise<boolean> {
  const { rows } = await q.query('SELECT 1 FROM concord.apps WHERE client_id = $1', [clientId]);
  return rows.length > 0;
}

/** Revoking twice keeps the first revocation time. False when the app has no such key. */
export async function revokeKey(q: Queryable, clientId: string, keyId: string, at: string): Promise<boolean> {
  const { rows } = await q.query(
    `UPDATE concord.api_keys SET revoked_at = coalesce(revoked_at, $3::timestamptz)
     WHERE key_id = $1 AND client_id = $2 RETURNING key_id`,
    [keyId, clientId, at],
  );
  return rows.length > 0;
}

// ---------------------------------------------------------------- partners

export async function findPartner(q: Queryable, id: string): Promise<Partner | undefined> {
  const { rows } = await q.query<PartnerRow>(`SELECT ${PARTNER_COLUMNS} FROM concord.partners WHERE id = $1`, [id]);
  return rows[0] && toPartner(rows[0]);
}

export async function findPartners(q: Queryable, f: { after?: Position; limit: number }): Promise<Partner[]> {
  const { rows } = f.after
    ? await q.query<PartnerRow>(
        `SELECT ${PARTNER_COLUMNS} FROM concord.partners WHERE (created_at, id) > ($1::timestamptz, $2)
         ORDER BY created_at, id LIMIT $3`,
        [f.after.createdAt, f.after.id, f.limit],
      )
    : await q.query<PartnerRow>(`SELECT ${PARTNER_COLUMNS} FROM concord.partners ORDER BY created_at, id LIMIT $1`, [f.limit]);
  return rows.map(toPartner);
}

/** Undefined when the id is taken. */
export async function insertPartner(q: Queryable, p: Partner): Promise<Partner | undefined> {
  const { rows } = await q.query<PartnerRow>(
    `INSERT INTO concord.partners (id, name, contact_email, created_at) VALUES ($1, $2, $3, $4::timestamptz)
     ON CONFLICT (id) DO NOTHING RETURNING ${PARTNER_COLUMNS}`,
    [p.id, p.name, p.contactEmail, p.createdAt],
  );
  return rows[0] && toPartner(rows[0]);
}

// ---------------------------------------------------------------- credential lookups (hashes: module-internal)

export async function secretHashOf(q: Queryable, clientId: string): Promise<string | undefined> {
  const { rows } = await q.query<{ secret_hash: string }>('SELECT secret_hash FROM concord.apps WHERE client_id = $1', [clientId]);
  return rows[0]?.secret_hash;
}

/** The live (unrevoked) key's hash and owner; undefined for an unknown or revoked key. */
export async function liveApiKey(q: Queryable, keyId: string): Promise<{ clientId: string; hash: string } | undefined> {
  const { rows } = await q.query<{ client_id: string; hash: string }>(
    'SELECT client_id, hash FROM concord.api_keys WHERE key_id = $1 AND revoked_at IS NULL',
    [keyId],
  );
  return rows[0] && { clientId: rows[0].client_id, hash: rows[0].hash };
}
