import type { onRequestHookHandler, onResponseHookHandler, onSendHookHandler, preHandlerHookHandler, preValidationHookHandler } from 'fastify';
import type { RouteManifestEntry } from '../../codegen/manifest-types';

/**
 * The Fastify lifecycle hooks a policy attaches to one route. Phases run in Fastify's order (onRequest before the
 * body is read, preValidation after it is parsed, preHandler just before the upstream call, onSend on the way
 * out, onResponse after it is sent); within a phase, in pipeline order.
 */
export interface PolicyHooks {
  onRequest?: onRequestHookHandler;
  preValidation?: preValidationHookHandler;
  preHandler?: preHandlerHookHandler;
  onSend?: onSendHookHandler;
  onResponse?: onResponseHookHandler;
}

/**
 * A gateway policy, after Kong's plugins: one folder holds its config schema, this object and its tests.
 * `forRoute` runs once per route at start-up and returns that route's hooks (or nothing when the policy does not
 * apply), so everything a request needs is precomputed: no per-request compilation or lookup.
 */
export interface Policy {
  readonly name: string;
  forRoute(route: RouteManifestEntry): PolicyHooks | undefined;
}

export const HOOK_PHASES = ['onRequest', 'preValidation', 'preHandler', 'onSend', 'onResponse'] as const;
