import { randomBytes } from 'node:crypto';
import { createPrivateKeyCipher } from './key-encryption';

describe('private key sealing', () => {
  const cipher = createPrivateKeyCipher(randomBytes(32));

  it('round-trips and never repeats a ciphertext', () => {
    const a = cipher.seal('{"d":"secret"}', 'sig_1');
    const b = cipher.seal('{"d":"secret"}', 'sig_1');
    expect(a).not.toEqual(b);
    expect(a).not.toContain('secret');
    expect(cipher.open(a, 'sig_1')).toBe('{"d":"secret"}');
  });

  it('fails clearly with another master key, under another kid, or when altered', () => {
    const sealed = cipher.seal('{"d":"secret"}', 'sig_1');
    expect(() => createPrivateKeyCipher(randomBytes(32)).open(sealed, 'sig_1')).toThrow(/cannot decrypt the private key of signing key sig_1: the master key/);
    expect(() => cipher.open(sealed, 'sig_2')).toThrow(/cannot decrypt/);
    const parts = sealed.split('.');
    parts[2] = Buffer.from('{"d":"other!"}').toString('base64url');
    expect(() => cipher.open(parts.join('.'), 'sig_1')).toThrow(/cannot decrypt/);
    expect(() => cipher.open('plain', 'sig_1')).toThrow(/not in a known sealed format/);
  });

  it('refuses a master key of the wrong size', () => {
    expect(() => createPrivateKeyCipher(randomBytes(16))).toThrow(/32 bytes/);
  });
});
