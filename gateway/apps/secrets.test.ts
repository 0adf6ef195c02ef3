import { apiKeyIdOf, createScryptHasher, DEFAULT_SCRYPT_PARAMS, fingerprint, generateApiKey, generateClientSecret } from './secrets';

describe('secret generation', () => {
  it('client secrets carry 32 random bytes behind cs_', async () => {
    const a = await generateClientSecret();
    const b = await generateClientSecret();
    expect(a).toMatch(/^cs_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.slice(3), 'base64url')).toHaveLength(32);
    expect(a).not.toBe(b);
  });

  it('API keys name their key id, and the prefix is the public part', async () => {
    const { keyId, apiKey, prefix } = await generateApiKey();
    expect(keyId).toMatch(/^ak_[0-9A-Za-z]{12}$/);
    expect(apiKey).toMatch(/^ck_[0-9A-Za-z]{12}_[A-Za-z0-9_-]{43}$/);
    expect(apiKey.startsWith(`${prefix}_`)).toBe(true);
    expect(prefix.length).toBeLessThanOrEqual(16);
    expect(apiKeyIdOf(apiKey)).toBe(keyId);
    // Lengths the admin contract allows (32..128).
    expect(apiKey.length).toBeGreaterThanOrEqual(32);
    expect(apiKey.length).toBeLessThanOrEqual(128);
  });

  it('reads no key id out of something that is not an API key', () => {
    for (const bad of ['', 'ck_', 'ck_short_x', `cs_${'a'.repeat(43)}`, `ck_abcdefghijkl_${'a'.repeat(42)}`, `ck_abc-defghijk_${'a'.repeat(43)}`]) {
      expect(apiKeyIdOf(bad)).toBeUndefined();
    }
  });
});

describe('scrypt hashing', () => {
  const hasher = createScryptHasher({ N: 1024, r: 8, p: 1 });

  it('stores a self-describing string with a fresh salt each time, and verifies only the right secret', async () => {
    const h1 = await hasher.hash('cs_secret');
    const h2 = await hasher.hash('cs_secret');
    expect(h1).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(h1).not.toBe(h2);
    expect(await hasher.verify('cs_secret', h1)).toBe(true);
    expect(await hasher.verify('cs_secret', h2)).toBe(true);
    expect(await hasher.verify('cs_secreT', h1)).toBe(false);
    expect(await hasher.verify('', h1)).toBe(false);
  });

  it('verifies with the costs stored in the hash, so costs can change later', async () => {
    const stored = await createScryptHasher({ N: 2048, r: 4, p: 1 }).hash('k');
    expect(await hasher.verify('k', stored)).toBe(true);
  });

  it('uses N=2^14, r=8, p=1 by default', async () => {
    expect(DEFAULT_SCRYPT_PARAMS).toEqual({ N: 16384, r: 8, p: 1 });
    const stored = await createScryptHasher().hash('k');
    expect(stored.startsWith('scrypt$16384$8$1$')).toBe(true);
  });

  it('refuses a stored value it cannot read, including costs that would exhaust memory', async () => {
    const good = await hasher.hash('k');
    const [, , , , salt, key] = good.split('$');
    for (const bad of ['', 'plain', 'argon2id$x', `scrypt$1000$8$1$${salt}$${key}`, `scrypt$${2 ** 24}$8$1$${salt}$${key}`, `scrypt$1024$8$1$${salt}`, `scrypt$1024$8$1$$${key}`]) {
      await expect(hasher.verify('k', bad)).rejects.toThrow(/stored secret hash/);
    }
  });

  it('never echoes the stored value in its errors', async () => {
    const tampered = `scrypt$1024$8$1$c2FsdA$${'A'.repeat(4)}`;
    await expect(hasher.verify('k', tampered)).rejects.not.toThrow(tampered);
  });
});

describe('fingerprints for the verification cache', () => {
  it('differ by kind and by client, and do not contain the secret', () => {
    const a = fingerprint('client-secret', 'app_one1', 'cs_x');
    expect(a).not.toBe(fingerprint('client-secret', 'app_two2', 'cs_x'));
    expect(a).not.toBe(fingerprint('api-key', 'app_one1', 'cs_x'));
    expect(a).toBe(fingerprint('client-secret', 'app_one1', 'cs_x'));
    expect(a).not.toContain('cs_x');
  });
});
