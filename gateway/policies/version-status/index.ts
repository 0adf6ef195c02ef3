import type { FastifyReply } from 'fastify';
import type { RouteManifestEntry } from '../../../codegen/manifest-types';
import { PROBLEM_CONTENT_TYPE, problem } from '../../../platform/server/problem';
import type { Policy, PolicyHooks } from '../../pipeline/policy';
import { parseVersionStatusConfig } from './config';
import type { VersionLifecycle } from './lifecycle';
import { lifecycleOf } from './lifecycle';
import type { SuccessorLookup } from './successor';
import { successorsFromManifest } from './successor';

export { DEFAULT_DEPRECATED_AT, VersionStatusConfigError, parseVersionStatusConfig, versionStatusConfigSchema } from './config';
export type { VersionStatusConfig } from './config';
export { formatDeprecation, formatSunset, parseContractDate } from './dates';
export { lifecycleOf } from './lifecycle';
export type { VersionLifecycle } from './lifecycle';
export { successorLink, successorsFromManifest } from './successor';
export type { LinkBuilder, SuccessorLookup } from './successor';

/** The config schema under the name every policy folder exports it by. */
export { versionStatusConfigSchema as configSchema } from './config';

export interface VersionStatusOptions {
  /** The raw policy config (see README); validated once, here. */
  config?: unknown;
  /** The route manifest, for the default successor rule (same path, next major version). */
  routes?: readonly RouteManifestEntry[];
  /** Overrides the successor rule; returns the successor's path template. */
  successorFor?: SuccessorLookup;
  /** The clock that decides whether the sunset has passed; injectable so tests need not wait until 2027. */
  now?: () => Date;
}

/**
 * Appends to a `Link` the upstream may already have set (pagination, say): Link is a list, and overwriting it
 * would drop the upstream's links.
 */
function addLink(reply: FastifyReply, value: string): void {
  const existing = reply.getHeader('link');
  if (existing === undefined) reply.header('link', value);
  else reply.header('link', [...(Array.isArray(existing) ? existing : [String(existing)]), value]);
}

function hooksFor(route: RouteManifestEntry, lifecycle: VersionLifecycle, now: () => Date): PolicyHooks {
  const { deprecation, sunset, link } = lifecycle;
  const hooks: PolicyHooks = {
    // Before the sunset every response of the route says so, errors included: a client that only ever sees
    // 4xx from this version still learns that it is going away.
    onSend: async (req, reply, payload) => {
      if (sunset && now().getTime() >= sunset.at) return payload; // the 410 carries Link only, as the contract's Gone says
      reply.header('deprecation', deprecation);
      if (sunset) reply.header('sunset', sunset.header);
      if (link) addLink(reply, link(req.params));
      return payload;
    },
  };
  if (sunset) {
    const detail = `Version ${route.version} of the ${route.api} API was retired on ${sunset.date}.${link ? ' The Link header names its successor.' : ''}`;
    // onRequest, before the body is read, authentication or rate limits: a retired version does no work at all.
    hooks.onRequest = async (req, reply) => {
      if (now().getTime() < sunset.at) return;
      if (link) reply.header('link', link(req.params));
      return reply
        .code(410)
        .type(PROBLEM_CONTENT_TYPE)
        .send(problem('version-sunset', 410, 'This API version has been retired', { detail, correlationId: req.id }));
    };
  }
  return hooks;
}

/**
 * The version-status policy: deprecated routes (a contract with `x-concord-deprecated`/`deprecated` and `x-sunset`)
 * announce `Deprecation`, `Sunset` and `Link; rel="successor-version"` until their sunset, and answer 410
 * `version-sunset` after it. Other routes get no hooks. Everything but the clock check is computed in `forRoute`,
 * once per route at start-up; a deprecated route without a deprecation date fails start-up there.
 */
export function createVersionStatusPolicy(options: VersionStatusOptions = {}): Policy {
  const config = parseVersionStatusConfig(options.config);
  const now = options.now ?? (() => new Date());
  const successorFor = options.successorFor ?? successorsFromManifest(options.routes ?? []);
  return {
    name: 'version-status',
    forRoute(route) {
      const lifecycle = lifecycleOf(route, config, successorFor);
      return lifecycle ? hooksFor(route, lifecycle, now) : undefined;
    },
  };
}
