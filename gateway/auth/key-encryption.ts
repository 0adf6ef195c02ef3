import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { MASTER_KEY_BYTES } from './master-key';

/** Seals private JWKs for storage. `kid` is bound in as associated data: a sealed key moved to another row fails to open. */
export interface PrivateKeyCipher {
  seal(plaintext: string, kid: string): string;
  open(sealed: string, kid: string): string;
}

const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function createPrivateKeyCipher(masterKey: Buffer): PrivateKeyCipher {
  if (!Buffer.isBuffer(masterKey) || masterKey.length !== MASTER_KEY_BYTES) {
    throw new TypeError(`the master key must be a Buffer of ${MASTER_KEY_BYTES} bytes`);
  }
  // A purpose-bound subkey, so the same master key can later seal other secrets without key reuse across uses.
  const key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'concord/gateway-auth/signing-keys/v1', 32));
  const aad = (kid: string) => Buffer.from(`concord signing key ${kid}`, 'utf8');

  return {
    seal(plaintext, kid) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad(kid));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [FORMAT, iv, ciphertext, cipher.getAuthTag()].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
    },
    open(sealed, kid) {
      const [format, iv, ciphertext, tag, ...rest] = sealed.split('.');
      if (format !== FORMAT || iv === undefined || ciphertext === undefined || tag === undefined || rest.length > 0) {
        throw new Error(`signing key ${kid}: the stored private key is not in a known sealed format`);
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
        decipher.setAAD(aad(kid));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
      } catch (cause) {
        throw new Error(
          `cannot decrypt the private key of signing key ${kid}: the master key is not the one it was sealed with ` +
            '(check CONCORD_MASTER_KEY or <data dir>/master.key), or the stored row was altered',
          { cause },
        );
      }
    },
  };
}
