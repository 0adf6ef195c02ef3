import type { SigningKeyInfo } from '../auth';
import type { components } from '../../generated/types/platform/admin.v1';

type SigningKey = components['schemas']['SigningKey'];

/**
 * The key store's view as the admin contract shows it. A retiring key past its window is left out: the contract
 * promises every listed key is also in the JWKS, and the store keeps such keys until the next rotation deletes them.
 */
export function signingKeyList(keys: readonly SigningKeyInfo[], now: Date): { items: SigningKey[] } {
  const live = keys.filter((k) => k.status === 'active' || k.notAfter === null || k.notAfter.getTime() > now.getTime());
  // Active first (rotate's answer promises the new key is first), then newest first.
  const ordered = [...live].sort((a, b) => rank(a) - rank(b) || b.createdAt.getTime() - a.createdAt.getTime());
  return {
    items: ordered.map((k) => ({
      kid: k.kid,
      alg: k.alg,
      status: k.status,
      createdAt: k.createdAt.toISOString(),
      ...(k.retiringSince ? { retiringSince: k.retiringSince.toISOString() } : {}),
    })),
  };
}

const rank = (k: SigningKeyInfo): number => (k.status === 'active' ? 0 : 1);
