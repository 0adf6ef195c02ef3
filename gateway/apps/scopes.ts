import { RegistryError } from './errors';

/** Scopes that open system, sandbox-admin and admin APIs: never for an app that a partner owns. */
export const INTERNAL_SCOPES: ReadonlySet<string> = new Set(['system:read', 'system:write', 'sandbox:admin', 'admin']);

/** Rejects an empty or repeated list, scopes outside the catalogue, and internal scopes on a partner's app. */
export function checkScopes(scopes: readonly string[], knownScopes: ReadonlySet<string>, forPartner: boolean): void {
  if (scopes.length === 0) throw new RegistryError('invalid', 'an app needs at least one scope', '/scopes');
  const seen = new Set<string>();
  scopes.forEach((scope, i) => {
    const pointer = `/scopes/${i}`;
    if (seen.has(scope)) throw new RegistryError('invalid', `scope ${scope} is listed twice`, pointer);
    seen.add(scope);
    if (!knownScopes.has(scope)) throw new RegistryError('unknown-scope', `scope ${scope} is not in the scope catalogue`, pointer);
    if (forPartner && INTERNAL_SCOPES.has(scope)) {
      throw new RegistryError('internal-scope-for-partner', `internal scope ${scope} cannot be granted to a partner app`, pointer);
    }
  });
}
