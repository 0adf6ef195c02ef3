import { randomBytes } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import type { Database } from '../../platform/db/database';
import { migrate } from '../../platform/db/migrate';
import { createPrivateKeyCipher } from './key-encryption';
import { authMigrations } from './migrations';
import type { SigningKeyStoreOptions } from './signing-keys';
import { createSigningKeyStore } from './signing-keys';
import { TokenRejected } from './token-rejected';
import { createTokenIssuer } from './tokens';
import { createTokenVerifier } from './verify';
import { describeOnBothDatabases } from '../../platform/testing/databases';

const ISSUER = 'http://127.0.0.1:8080';
const AUDIENCE = 'concord';

/** The same suite runs against the embedded twin and the real server, one database each (PGlite starts slowly). */
function keyStoreSuite(open: () => Promise<{ db: Database; cleanup(): Promise<void> }>): void {
  let db: Database;
  let cleanup: () => Promise<void>;
  let clock: Date;
  const now = () => clock;
  const advance = (seconds: number) => (clock = new Date(clock.getTime() + seconds * 1000));
  const masterKey = randomBytes(32);
  const storeOn = (over: Partial<SigningKeyStoreOptions> = {}) => createSigningKeyStore({ db, masterKey, now, ...over });

  beforeAll(async () => {
    ({ db, cleanup } = await open());
    await migrate(db, authMigrations);
  });
  afterAll(async () => {
    await db?.close();
    await cleanup?.();
  });
  beforeEach(async () => {
    await db.query('DELETE FROM concord.signing_keys');
    clock = new Date('2030-01-01T00:00:00Z');
  });

  it('creates one active key, once, even when two instances ask at the same time', async () => {
    const [a, b] = [storeOn(), storeOn()];
    const [ka, kb] = await Promise.all([a.ensureActiveKey(), b.ensureActiveKey()]);
    expect(ka.kid).toBe(kb.kid);
    expect(ka).toMatchObject({ kid: expect.stringMatching(/^sig_[0-9A-Z]{26}$/), alg: 'ES256', status: 'active', retiringSince: null, notAfter: null });
    expect(await a.ensureActiveKey()).toEqual(ka);
    expect(await a.list()).toHaveLength(1);
    const { keys } = await a.publicJwks();
    expect(keys).toEqual([{ kty: 'EC', crv: 'P-256', x: expect.stringMatching(/^[\w-]{43}$/), y: expect.stringMatching(/^[\w-]{43}$/), kid: ka.kid, alg: 'ES256', use: 'sig' }]);
  });

  it('rotates: old tokens verify and both keys are published until the window ends, then the old key is gone', async () => {
    const keys = storeOn();
    const issuer = createTokenIssuer({ keys, issuer: ISSUER, audience: AUDIENCE, now });
    const verifier = createTokenVerifier({ keys, issuer: ISSUER, audience: AUDIENCE, now });
    const first = await keys.ensureActiveKey();
    const before = (await issuer.issue({ clientId: 'app_a', scopes: ['orders:read'] })).access_token;

    advance(60);
    const second = await keys.rotate();
    expect(second.kid).not.toBe(first.kid);
    expect((await keys.activeKey()).kid).toBe(second.kid);
    const after = (await issuer.issue({ clientId: 'app_a', scopes: [] })).access_token;
    expect(decodeProtectedHeader(after).kid).toBe(second.kid);
    await expect(verifier.verify(before)).resolves.toMatchObject({ clientId: 'app_a' });
    expect((await keys.publicJwks()).keys.map((k) => k.kid)).toEqual([second.kid, first.kid]);
    const retired = (await keys.list()).find((k) => k.kid === first.kid);
    expect(retired).toMatchObject({ status: 'retiring', retiringSince: clock });
    // Token lifetime + clock tolerance + the refresh interval in which another instance may still sign with it.
    expect(keys.retentionSeconds).toBe(900 + 5 + 60);
    expect(retired?.notAfter?.getTime()).toBe(clock.getTime() + keys.retentionSeconds * 1000);

    advance(keys.retentionSeconds - 1);
    expect((await keys.publicJwks()).keys).toHaveLength(2);
    advance(1);
    expect((await keys.publicJwks()).keys.map((k) => k.kid)).toEqual([second.kid]);
    const rejected = await verifier.verify(before).catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(TokenRejected);
    expect((rejected as TokenRejected).reason).toBe('unknown-key');

    // The next rotation drops the expired row: its sealed secret is no longer kept.
    await keys.rotate();
    expect((await keys.list()).map((k) => k.kid)).not.toContain(first.kid);
  });

  it('keeps private keys sealed at rest; another master key cannot load them', async () => {
    const keys = storeOn();
    const { kid } = await keys.ensureActiveKey();
    await keys.rotate();
    const { rows } = await db.query<{ kid: string; public_jwk: unknown; private_jwk_encrypted: string }>(
      'SELECT kid, public_jwk, private_jwk_encrypted FROM concord.signing_keys',
    );
    expect(rows).toHaveLength(2);
    const cipher = createPrivateKeyCipher(masterKey);
    for (const row of rows) {
      const { d } = JSON.parse(cipher.open(row.private_jwk_encrypted, row.kid)) as { d: string };
      expect(d).toMatch(/^[\w-]{43}$/);
      const stored = JSON.stringify(row);
      expect(stored).not.toContain(d);
      expect(stored).not.toContain(Buffer.from(d, 'base64url').toString('base64'));
      expect(row.public_jwk).not.toHaveProperty('d');
    }
    const stranger = storeOn({ masterKey: randomBytes(32) });
    await expect(stranger.publicJwks()).rejects.toThrow(/cannot decrypt the private key of signing key sig_\w+: the master key is not the one/);
    await expect(stranger.activeKey()).rejects.toThrow(/master key/);
    expect(kid).toBeDefined();
  });

  it('signs and resolves keys from memory; rotate() refreshes it', async () => {
    let queries = 0;
    const counting: Database = { ...db, query: (sql, params) => (queries++, db.query(sql, params)), transaction: (fn) => db.transaction(fn) };
    const keys = storeOn({ db: counting });
    const { kid } = await keys.ensureActiveKey();
    queries = 0;
    for (let i = 0; i < 50; i++) {
      expect((await keys.activeKey()).kid).toBe(kid);
      expect(await keys.verificationKey(kid)).toBeDefined();
    }
    expect(queries).toBe(0);

    const rotated = await keys.rotate();
    queries = 0;
    expect((await keys.activeKey()).kid).toBe(rotated.kid);
    expect(await keys.verificationKey(kid)).toBeDefined();
    expect(queries).toBe(0);

    // An unknown kid re-reads the keys, but at most once a second, so a flood of made-up kids cannot hammer the database.
    advance(2);
    for (let i = 0; i < 20; i++) expect(await keys.verificationKey(`sig_made_up_${i}`)).toBeUndefined();
    expect(queries).toBe(1);
  });

  it("picks up another instance's rotation: new kids at once, the new signing key within the refresh interval", async () => {
    const [a, b] = [storeOn(), storeOn()];
    const first = await a.ensureActiveKey();
    expect((await b.activeKey()).kid).toBe(first.kid);
    const second = await a.rotate();

    advance(2);
    expect(await b.verificationKey(second.kid)).toBeDefined();
    expect((await b.activeKey()).kid).toBe(second.kid);
    expect((await b.publicJwks()).keys.map((k) => k.kid)).toEqual([second.kid, first.kid]);
  });

  it('keeps serving the loaded keys when a refresh fails, and retries a few seconds later', async () => {
    let down = false;
    let attempts = 0;
    const flaky: Database = {
      ...db,
      query: (sql, params) => (attempts++, down ? Promise.reject(new Error('connection refused')) : db.query(sql, params)),
      transaction: (fn) => db.transaction(fn),
    };
    const errors: unknown[] = [];
    const keys = storeOn({ db: flaky, onRefreshError: (err) => errors.push(err) });
    const { kid } = await keys.ensureActiveKey();

    down = true;
    attempts = 0;
    advance(61);
    expect((await keys.activeKey()).kid).toBe(kid);
    expect(await keys.verificationKey(kid)).toBeDefined();
    expect(errors).toEqual([new Error('connection refused')]);
    advance(4);
    await keys.activeKey();
    // An unknown kid during the outage is just unknown: no error, and no query per request.
    advance(1);
    expect(await keys.verificationKey('sig_unknown')).toBeUndefined();
    expect(await keys.verificationKey('sig_unknown_2')).toBeUndefined();
    expect(attempts).toBe(2);
    expect(errors).toHaveLength(2);

    down = false;
    const rotated = await storeOn().rotate();
    advance(5);
    expect((await keys.activeKey()).kid).toBe(rotated.kid);
    expect(errors).toHaveLength(2);
  });

  it('refreshes a stale copy after the refresh interval', async () => {
    const [a, b] = [storeOn(), storeOn({ refreshIntervalSeconds: 30 })];
    await a.ensureActiveKey();
    const before = (await b.activeKey()).kid;
    const rotated = await a.rotate();
    expect((await b.activeKey()).kid).toBe(before);
    advance(30);
    expect((await b.activeKey()).kid).toBe(rotated.kid);
  });
}

describeOnBothDatabases('signing keys', keyStoreSuite);
