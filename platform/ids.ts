import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * `<prefix>_<ULID>`, the id style of the contracts (`sig_01JCZR…`, `jti_01JD…`): sortable by creation time,
 * with 80 random bits so ids made in the same millisecond do not collide.
 */
export function newId(prefix: string, nowMs: number = Date.now()): string {
  let time = '';
  let t = Math.max(0, Math.floor(nowMs));
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD.charAt(t % 32) + time;
    t = Math.floor(t / 32);
  }
  let random = '';
  // 256 is a multiple of 32, so masking keeps every character equally likely.
  for (const byte of randomBytes(16)) random += CROCKFORD.charAt(byte & 31);
  return `${prefix}_${time}${random}`;
}
