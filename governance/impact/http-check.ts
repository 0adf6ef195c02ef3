import { joinPointer } from '../../codegen/contracts/json-pointer';
import type { CheckContext } from './context';
import { operationLabel, operationLocation } from './context';
import { checkRequest } from './http-request';
import { checkResponse } from './http-response';
import type { PactHttpInteraction } from './pact-file';
import type { RouteLookup } from './route-match';
import type { ImpactProblem, InteractionImpact } from './types';

/**
 * Statuses with which a consumer says "my request is wrong on purpose" (a validation 400, a body too large, a media
 * type refused): the request's own problems are what the interaction is about, so they are not reported.
 */
const REQUEST_REJECTED = new Set([400, 413, 415, 431]);

function noOperation(method: string, raw: string, others: RouteLookup['otherMethods']): ImpactProblem {
  const paths = [...new Set(others.map((o) => o.path))];
  const first = others[0];
  if (!first) return { message: `no operation matches ${raw}: the path is not in the contracts` };
  if (paths.length === 1) {
    return {
      message: `no ${method} operation on ${first.path}: the contract has ${[...new Set(others.map((o) => o.method))].join(', ')} only`,
      location: { file: first.op.file.rel, pointer: joinPointer('/paths', first.path) },
    };
  }
  return { message: `no ${method} operation matches ${raw}: the path is served by ${others.map((o) => `${o.method} ${o.path}`).join(', ')}` };
}

/** Checks one HTTP interaction: an operation serves it, the request is still accepted, the response still comes. */
export function checkHttpInteraction(ix: PactHttpInteraction, ctx: CheckContext): InteractionImpact {
  const { method, path } = ix.request;
  const raw = `${method} ${path}`;
  const { match, otherMethods } = ctx.routes.lookup(method, path);
  if (!match) return { description: ix.description, kind: 'http', request: raw, problems: [noOperation(method, raw, otherMethods)] };
  const { op, params } = match;
  const problems = [...(REQUEST_REJECTED.has(ix.response.status) ? [] : checkRequest(ix, op, params, ctx)), ...checkResponse(ix, op, ctx)];
  if (op.deprecated && op.sunset && Date.parse(op.sunset) < Date.now()) {
    problems.push({ message: `the operation is past its sunset (${op.sunset}) and answers 410`, location: operationLocation(op) });
  }
  return { description: ix.description, kind: 'http', request: `${method} ${op.path}`, operation: operationLabel(op), problems };
}
