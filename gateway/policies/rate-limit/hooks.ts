import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteManifestEntry } from '../../../codegen/manifest-types';
import type { Policy, PolicyHooks } from '../../pipeline/policy';
import '../../pipeline/caller';
import type { RateLimitPolicy } from '.';
import { PROBLEM_CONTENT_TYPE, rateLimitedProblem } from './problem';

/**
 * The rate-limit policy in the pipeline: after authentication, each call takes the operation's cost from its
 * app's plan budget. Every response of a limited operation carries RateLimit and RateLimit-Policy; a refusal
 * is 429 problem+json with Retry-After. Public routes (the token endpoint) are not limited per app.
 */
export function createRateLimitStep(limiter: () => RateLimitPolicy): Policy {
  return {
    name: 'rate-limit',
    forRoute(route: RouteManifestEntry): PolicyHooks | undefined {
      if (route.public) return undefined;
      const cost = route.rateLimitCost;
      return {
        onRequest: async (req: FastifyRequest, reply: FastifyReply) => {
          const caller = req.caller;
          if (!caller) return;
          const policy = limiter();
          const decision = await policy.consume({ appId: caller.clientId, plan: caller.plan, cost });
          reply.headers({ ...policy.headers(decision) });
          if (!decision.allowed) {
            return reply.code(429).type(PROBLEM_CONTENT_TYPE).send(rateLimitedProblem(decision, req.id));
          }
        },
      };
    },
  };
}
