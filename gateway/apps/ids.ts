import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { newId } from '../../platform/ids';

/** Patterns copied from the admin contract (ClientId, ApiKeyId) and common/schemas.yaml (PartnerId); a test pins them. */
export const CLIENT_ID_PATTERN = /^app_[0-9A-Za-z]{4,40}$/;
export const PARTNER_ID_PATTERN = /^prt_[0-9A-Za-z]{4,40}$/;
export const API_KEY_ID_PATTERN = /^ak_[0-9A-Za-z]{8,40}$/;
export const PLAN_NAME_PATTERN = /^[a-z][a-z0-9-]{1,31}$/;

export const randomBytesAsync = promisify(randomBytes);

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
// Bytes at or above the largest multiple of 62 are dropped, so every character is equally likely.
const UNBIASED_LIMIT = 256 - (256 % ALPHABET.length);

/** `length` random characters from [0-9A-Za-z]: the alphabet every id pattern in the contract allows. */
export async function randomAlphanumeric(length: number): Promise<string> {
  let out = '';
  while (out.length < length) {
    for (const b of await randomBytesAsync(length + 8)) {
      if (b >= UNBIASED_LIMIT) continue;
      out += ALPHABET[b % ALPHABET.length];
      if (out.length === length) break;
    }
  }
  return out;
}

// Entity ids use the platform's one id style (prefix + ULID, sortable by creation); the short random form above
// is for API key ids, which must fit the key's 16-character prefix.
export const newClientId = async (): Promise<string> => newId('app');
export const newPartnerId = async (): Promise<string> => newId('prt');
