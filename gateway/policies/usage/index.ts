import type { RouteManifestEntry } from '../../../codegen/manifest-types';
import type { Policy, PolicyHooks } from '../../pipeline/policy';
import '../../pipeline/caller';
import { parseUsageConfig, usageConfigSchema } from './config';
import type { UsageRecorder, UsageRecorderOptions } from './recorder';
import { createUsageRecorder } from './recorder';
import type { UsageReader } from './store';

export { DEFAULT_FLUSH_INTERVAL_MS, DEFAULT_MAX_KEYS, UsageConfigError, parseUsageConfig, usageConfigSchema } from './config';
export type { UsageConfig } from './config';
export { createUsageRecorder, utcDay } from './recorder';
export type { UsageRecorder, UsageRecorderOptions, UsageRecorderStats } from './recorder';
export { addUsage, isUsageDay, usageFor } from './store';
export type { UsageCounts, UsageDay, UsageReader } from './store';
export { usageMigrations } from './migrations';

/** The config schema under the name every policy folder exports it by. */
export { usageConfigSchema as configSchema } from './config';

/** What the gateway runtime exposes: the recorder the policy feeds, and the reader the developer portal uses. */
export interface UsageService {
  recorder: UsageRecorder;
  read: UsageReader;
}

/**
 * The usage policy: after each answered request of a non-public route (whoever answered it: the upstream, or an
 * earlier step's 403, 400 or 429), counts it for the calling app. Requests without an authenticated caller (a
 * 401, say) are not counted: there is no app to attribute them to. The recorder is looked up lazily, because
 * the policy is built before start-up finishes; it is only consulted when there is a caller.
 */
export function createUsagePolicy(recorder: () => UsageRecorder): Policy {
  return {
    name: 'usage',
    forRoute(route: RouteManifestEntry): PolicyHooks | undefined {
      // Public routes (the token endpoint, JWKS) never have a caller.
      if (route.public) return undefined;
      return {
        onResponse: async (req, reply) => {
          const caller = req.caller;
          // Apps are counted; portal users browsing the portal are people, not apps.
          if (caller && caller.method !== 'session') recorder().record(caller.clientId, reply.statusCode);
        },
      };
    },
  };
}

/** The policy descriptor, in the shape every gateway policy exports (Kong's plugin model). */
export const usagePolicy = {
  name: 'usage',
  configSchema: usageConfigSchema,
  /** Validates `rawConfig` (throws UsageConfigError naming the field) and builds the recorder. Call once at start-up. */
  create(rawConfig: unknown, deps: Omit<UsageRecorderOptions, 'flushIntervalMs' | 'maxKeys'>) {
    return createUsageRecorder({ ...deps, ...parseUsageConfig(rawConfig) });
  },
} as const;
