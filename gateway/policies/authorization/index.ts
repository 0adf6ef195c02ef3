import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteManifestEntry } from '../../../codegen/manifest-types';
import { PROBLEM_CONTENT_TYPE, problem } from '../../../platform/server/problem';
import type { Policy, PolicyHooks } from '../../pipeline/policy';
import '../../pipeline/caller';

export const configSchema = { type: 'object', additionalProperties: false, properties: {} } as const;

function forRoute(route: RouteManifestEntry): PolicyHooks | undefined {
  if (route.public) return undefined;
  const required = route.scopes;
  const challenge = `Bearer realm="concord", error="insufficient_scope", scope="${required.join(' ')}"`;
  const internal = route.audience === 'internal';
  const forbid = (req: FastifyRequest, reply: FastifyReply, detail: string) =>
    reply
      .code(403)
      .header('WWW-Authenticate', challenge)
      .type(PROBLEM_CONTENT_TYPE)
      .send(problem('insufficient-scope', 403, 'Insufficient scope', { detail, correlationId: req.id }));
  return {
    onRequest: async (req, reply) => {
      const caller = req.caller;
      if (!caller) return forbid(req, reply, 'No authenticated caller.');
      // Internal APIs are never for partner apps, whatever scopes a token claims.
      if (internal && caller.partnerId) return forbid(req, reply, 'This API is internal.');
      const missing = required.filter((s) => !caller.scopes.includes(s));
      if (missing.length > 0) return forbid(req, reply, `This operation requires the scope ${missing.join(' ')}.`);
    },
  };
}

/** Checks the operation's scopes (from its contract security requirement) and its audience. */
export function createAuthorization(): Policy {
  return { name: 'authorization', forRoute };
}
