import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteManifestEntry } from '../../../codegen/manifest-types';
import { PROBLEM_CONTENT_TYPE, problem } from '../../../platform/server/problem';
import type { Policy, PolicyHooks } from '../../pipeline/policy';
import type { ValidationErrorItem } from './errors';
import { toValidationErrors } from './errors';

/** Config schema: the policy has no options today; it always validates with the generated validators. */
export const configSchema = { type: 'object', additionalProperties: false, properties: {} } as const;

/** The media type without parameters, lower-cased: `application/json; charset=utf-8` -> `application/json`. */
const mediaType = (header: string | undefined): string | undefined => header?.split(';', 1)[0]?.trim().toLowerCase();

function reject(req: FastifyRequest, reply: FastifyReply, status: number, kind: string, title: string, errors?: ValidationErrorItem[]) {
  return reply
    .code(status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(problem(kind, status, title, { correlationId: req.id, ...(errors ? { errors } : {}) }));
}

function hooksFor(route: RouteManifestEntry): PolicyHooks | undefined {
  // An operation whose contract answers 400 in another format (OAuth's token endpoint, RFC 6749 §5.2) checks
  // its own input: a problem+json 400 would break its clients.
  const bad = route.responses['400'];
  if (bad && !bad.contentTypes.includes('application/problem+json')) return undefined;
  const validateParams = route.validate.params;
  // `style: form, explode: false` arrays arrive as one comma-separated value (`skus=A,B`).
  const commaSeparated = route.parameters.filter((p) => p.in === 'query' && p.explode === false && (p.style ?? 'form') === 'form').map((p) => p.name);
  const bodyValidators = route.validate.body ?? {};
  const accepted = route.requestBody?.contentTypes ?? [];
  const bodyRequired = route.requestBody?.required ?? false;

  return {
    preValidation: async (req, reply) => {
      if (commaSeparated.length > 0 && req.query) {
        const query = req.query as Record<string, unknown>;
        for (const name of commaSeparated) if (typeof query[name] === 'string') query[name] = (query[name] as string).split(',');
      }
      if (validateParams) {
        // Validated and coerced in place: handlers see `limit` as a number, defaults filled in.
        const params = { path: req.params ?? {}, query: req.query ?? {}, headers: req.headers };
        if (!validateParams(params)) {
          return reject(req, reply, 400, 'validation', 'Request validation failed', toValidationErrors(validateParams.errors, 'params'));
        }
      }
      const hasBody = req.body !== undefined && req.body !== null;
      if (!hasBody) {
        if (bodyRequired) return reject(req, reply, 400, 'validation', 'Request validation failed', [{ pointer: '/', message: 'a request body is required' }]);
        return;
      }
      if (accepted.length === 0) return reject(req, reply, 415, 'unsupported-media-type', 'This operation takes no request body');
      const type = mediaType(req.headers['content-type']);
      const validate = type ? bodyValidators[type] : undefined;
      if (!type || !accepted.includes(type)) {
        return reject(req, reply, 415, 'unsupported-media-type', `Unsupported media type; send ${accepted.join(' or ')}`);
      }
      if (validate && !validate(req.body)) {
        return reject(req, reply, 400, 'validation', 'Request validation failed', toValidationErrors(validate.errors, 'body'));
      }
    },
  };
}

/** Checks path, query, headers and body against the contract with the validators compiled by `concord generate`. */
export function createRequestValidation(): Policy {
  return { name: 'request-validation', forRoute: hooksFor };
}
