import type { OperationModel, ResponseModel } from '../../codegen/contracts';
import { joinPointer } from '../../codegen/contracts/json-pointer';
import type { CheckContext } from './context';
import { operationLabel, operationLocation } from './context';
import { checkExpectedBody } from './expectations';
import { findMedia } from './media-type';
import type { PactHttpInteraction } from './pact-file';
import type { ImpactProblem } from './types';

/** Headers that belong to HTTP itself, never declared in a contract. */
const TRANSPORT_HEADERS = new Set(['content-type', 'content-length', 'date', 'connection', 'transfer-encoding', 'vary', 'keep-alive', 'server']);

/** The contract's response for a status: the exact code, then its range (`4XX`), then `default`. */
function responseFor(op: OperationModel, status: number): { key: string; response: ResponseModel } | undefined {
  const range = `${String(status)[0]}XX`;
  const key = [String(status), range, range.toLowerCase(), 'default'].find((k) => op.responses[k] !== undefined);
  return key ? { key, response: op.responses[key] as ResponseModel } : undefined;
}

/**
 * Whether the response the consumer expects can still come: the status is listed, the headers it reads are
 * declared, and every body field it reads exists with a compatible type.
 */
export function checkResponse(ix: PactHttpInteraction, op: OperationModel, ctx: CheckContext): ImpactProblem[] {
  const { status, headers, body, rules } = ix.response;
  const found = responseFor(op, status);
  const responsesPointer = joinPointer(op.pointer, 'responses');
  if (!found) {
    const listed = Object.keys(op.responses).join(', ');
    return [{ message: `the operation no longer lists response status ${status} (it lists ${listed || 'none'})`, location: operationLocation(op, responsesPointer) }];
  }
  const { key, response } = found;
  const location = operationLocation(op, joinPointer(responsesPointer, key));
  const problems: ImpactProblem[] = [];

  const declared = new Set(response.headers.map((h) => h.toLowerCase()));
  for (const name of Object.keys(headers)) {
    if (TRANSPORT_HEADERS.has(name.toLowerCase()) || declared.has(name.toLowerCase())) continue;
    problems.push({ message: `response header '${name}' is not declared for ${key} any more`, location });
  }

  if (!body) return problems;
  const types = Object.keys(response.content);
  if (types.length === 0) {
    problems.push({ message: `the consumer expects a body, but the contract's ${key} response has none`, location });
    return problems;
  }
  const type = body.contentType ?? (body.json ? 'application/json' : undefined);
  const media = type ? findMedia(response.content, type) : undefined;
  if (!type || !media) {
    problems.push({ message: `the consumer expects ${type ? `an ${type}` : 'a'} body, but the contract's ${key} response is ${types.join(', ')}`, location });
    return problems;
  }
  if (!media.value || !body.json) return problems;
  problems.push(
    ...checkExpectedBody(body.content, media.value, {
      view: ctx.view,
      validators: ctx.validators,
      rules,
      what: `${key} response`,
      operation: operationLabel(op),
    }),
  );
  return problems;
}
