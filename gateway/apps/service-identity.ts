import type { AppRegistry } from './registry';
import type { TokenIssuer } from '../auth/tokens';

/**
 * Concord's own identity for calls between its parts (the order worker posting to ERP, WMS and POS through the
 * gateway; the sandbox POS forwarding in-store returns to the returns API). It is an ordinary internal app in the registry, so the gateway authenticates, authorizes, rate-limits
 * and logs these calls like any other; its tokens are minted in process and never leave it.
 */
export const SERVICE_CLIENT_ID = 'app_concordsvc';
export const SERVICE_SCOPES = ['system:read', 'system:write', 'returns:write'];

export interface ServiceIdentity {
  /** `Authorization` for the next call: a cached token, renewed a minute before it expires. */
  authorization(): Promise<string>;
}

/** Call after bootstrapRegistry: the bootstrap only runs on an empty registry, and this app would make it non-empty. */
export async function ensureServiceIdentity(registry: AppRegistry, issuer: TokenIssuer, now: () => number = Date.now): Promise<ServiceIdentity> {
  if (!(await registry.getApp(SERVICE_CLIENT_ID))) {
    try {
      // The returned secret and key are not kept: this app never authenticates with them.
      await registry.createApp({ clientId: SERVICE_CLIENT_ID, name: 'Concord services (internal)', plan: 'internal', scopes: SERVICE_SCOPES });
    } catch (err) {
      // Another instance sharing the database created it first.
      if (!(await registry.getApp(SERVICE_CLIENT_ID))) throw err;
    }
  }
  let cached: { header: string; renewAt: number } | undefined;
  return {
    async authorization() {
      if (cached && now() < cached.renewAt) return cached.header;
      const token = await issuer.issue({ clientId: SERVICE_CLIENT_ID, scopes: SERVICE_SCOPES });
      cached = { header: `Bearer ${token.access_token}`, renewAt: now() + Math.max(0, token.expires_in - 60) * 1000 };
      return cached.header;
    },
  };
}
