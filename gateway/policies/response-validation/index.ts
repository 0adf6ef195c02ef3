import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteManifestEntry } from '../../../codegen/manifest-types';
import { PROBLEM_CONTENT_TYPE, problem } from '../../../platform/server/problem';
import type { Policy, PolicyHooks } from '../../pipeline/policy';
import { isUpstreamResponse } from '../../upstream/in-process';

export type ResponseValidationMode = 'off' | 'log' | 'enforce';
export const RESPONSE_VALIDATION_MODES: readonly ResponseValidationMode[] = ['off', 'log', 'enforce'];

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { mode: { enum: RESPONSE_VALIDATION_MODES } },
} as const;

/** A body that is not JSON fails its JSON schema like any other violation instead of throwing. */
function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return Symbol('not JSON');
  }
}

const mediaType = (value: unknown): string => String(value ?? '').split(';', 1)[0]!.trim().toLowerCase();

function forRoute(route: RouteManifestEntry, mode: ResponseValidationMode): PolicyHooks | undefined {
  const validators = route.validate.responses;
  if (mode === 'off' || !validators) return undefined;
  return {
    onSend: async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      // Only what an upstream answered: the gateway's own refusals (401, 429, 501…) are checked by their tests.
      // In process the handler's reply is a string; over HTTP (a role or a catalogue upstream), the bytes received.
      if ((typeof payload !== 'string' && !Buffer.isBuffer(payload)) || !isUpstreamResponse(req)) return payload;
      const media = mediaType(reply.getHeader('content-type'));
      const validate = validators[String(reply.statusCode)]?.[media];
      // A declared non-JSON answer (a client tarball, a file) has no schema to check: declared is enough.
      if (!validate && route.responses[String(reply.statusCode)]?.contentTypes.includes(media)) return payload;
      const text = typeof payload === 'string' ? payload : payload.toString('utf8');
      let verdict: string | undefined;
      if (!validate) {
        // A status or media type the contract does not declare is a contract violation too.
        verdict = `status ${reply.statusCode} with ${mediaType(reply.getHeader('content-type')) || 'no content type'} is not in the contract`;
      } else if (!validate(parsed(text))) {
        verdict = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`).join('; ');
      }
      if (verdict === undefined) return payload;
      req.log.error({ operationId: route.operationId, status: reply.statusCode, violation: verdict }, 'response violates the contract');
      if (mode === 'log') return payload;
      reply.code(502).type(PROBLEM_CONTENT_TYPE);
      return JSON.stringify(
        problem('invalid-upstream-response', 502, 'The upstream answered outside its contract', { detail: verdict, correlationId: req.id }),
      );
    },
  };
}

/**
 * Checks every JSON response against the operation's contract with the generated validators. `enforce` (the
 * tests) turns a violation into 502 problem+json; `log` reports it and lets it through; `off` (the default in
 * production) costs nothing.
 */
export function createResponseValidation(mode: ResponseValidationMode): Policy {
  return { name: 'response-validation', forRoute: (route) => forRoute(route, mode) };
}
