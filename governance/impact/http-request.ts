import type { ErrorObject } from 'ajv';
import type { OperationModel, ParameterModel } from '../../codegen/contracts';
import type { CheckContext } from './context';
import { operationLocation } from './context';
import type { PathSegment } from './json-path';
import { formatPath, pointerSegments } from './json-path';
import { findMedia } from './media-type';
import type { PactHttpInteraction } from './pact-file';
import type { ImpactProblem } from './types';
import { describeError } from './validators';

/**
 * Whether the request would still be accepted: required parameters present, parameter values valid, no query
 * parameter the operation ignores, credentials the operation takes, and a body of an accepted media type that
 * validates against the request body schema.
 */
export function checkRequest(ix: PactHttpInteraction, op: OperationModel, pathParams: Record<string, string>, ctx: CheckContext): ImpactProblem[] {
  return [...checkParameters(ix, op, pathParams, ctx), ...checkCredentials(ix, op), ...checkBody(ix, op, ctx)];
}

const paramLocation = (op: OperationModel, p: ParameterModel) =>
  p.schema ? operationLocation(op, p.schema.pointer, p.schema.file.rel) : operationLocation(op, `${op.pointer}/parameters`);

function isArrayParam(p: ParameterModel, ctx: CheckContext): boolean {
  if (!p.schema) return false;
  return ctx.view.alternatives([p.schema]).some((alt) => ctx.view.types(alt)?.has('array') ?? false);
}

/** The value the gateway would validate: query and header values as strings, arrays split as `style` says. */
function parameterValue(p: ParameterModel, raw: string[], ctx: CheckContext): unknown {
  const array = isArrayParam(p, ctx);
  if (p.in === 'query') {
    const explode = p.explode ?? (p.style ?? 'form') === 'form';
    if (array) return explode ? raw : raw.flatMap((v) => v.split(','));
    return raw.length === 1 ? raw[0] : raw;
  }
  if (array) return raw.flatMap((v) => v.split(',').map((s) => s.trim()));
  return p.in === 'header' ? raw.join(', ') : raw[0];
}

function checkParameters(ix: PactHttpInteraction, op: OperationModel, pathParams: Record<string, string>, ctx: CheckContext): ImpactProblem[] {
  const problems: ImpactProblem[] = [];
  const { query, headers } = ix.request;
  for (const p of op.parameters) {
    if (p.in === 'cookie') continue;
    const raw = p.in === 'path' ? (pathParams[p.name] !== undefined ? [pathParams[p.name] as string] : undefined) : p.in === 'query' ? query[p.name] : headers[p.name.toLowerCase()];
    const label = `${p.in} parameter '${p.name}'`;
    if (raw === undefined || raw.length === 0) {
      if (p.required) problems.push({ message: `required ${label} is missing from the request`, location: paramLocation(op, p) });
      continue;
    }
    if (!p.schema) continue;
    const value = parameterValue(p, raw, ctx);
    const errors = ctx.validators.validateParameter(p.schema, value);
    if (errors[0]) {
      const where = errors[0].instancePath ? ` at ${errors[0].instancePath}` : '';
      problems.push({ message: `${label} ${JSON.stringify(value)} does not satisfy its schema${where}: ${describeError(errors[0])}`, location: paramLocation(op, p) });
    }
  }
  const declared = new Set(op.parameters.filter((p) => p.in === 'query').map((p) => p.name));
  for (const name of Object.keys(query)) {
    if (!declared.has(name)) {
      problems.push({ message: `query parameter '${name}' is not declared by the operation: the provider ignores it or rejects it`, location: operationLocation(op) });
    }
  }
  return problems;
}

/** The gateway authenticates before anything else: the pact must send credentials of a kind the operation takes. */
function checkCredentials(ix: PactHttpInteraction, op: OperationModel): ImpactProblem[] {
  if (op.public || ix.response.status === 401) return [];
  const { headers } = ix.request;
  const bearer = headers.authorization !== undefined;
  const apiKey = headers['x-api-key'] !== undefined;
  if (!bearer && !apiKey) return [{ message: 'the operation requires credentials; the request sends neither Authorization nor X-API-Key', location: operationLocation(op) }];
  if (apiKey && !bearer && !op.apiKey) return [{ message: 'the request authenticates with X-API-Key, which the operation no longer accepts (OAuth 2 token only)', location: operationLocation(op) }];
  return [];
}

function bodyProblem(error: ErrorObject, body: unknown, op: OperationModel, pointer: string, file: string): ImpactProblem {
  const params = error.params as Record<string, unknown>;
  const segments: PathSegment[] = pointerSegments(body, error.instancePath);
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') segments.push(params.missingProperty);
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') segments.push(params.additionalProperty);
  const field = formatPath(segments);
  const message =
    error.keyword === 'required'
      ? `request body ${field}: the contract requires this property; the request does not send it`
      : error.keyword === 'additionalProperties'
        ? `request body ${field}: the contract no longer accepts this property`
        : `request body ${field}: ${describeError(error)}`;
  return { message, field, location: operationLocation(op, pointer, file) };
}

function checkBody(ix: PactHttpInteraction, op: OperationModel, ctx: CheckContext): ImpactProblem[] {
  const body = ix.request.body;
  const requestBody = op.requestBody;
  if (!body) {
    return requestBody?.required ? [{ message: 'the operation requires a request body; the request sends none', location: operationLocation(op) }] : [];
  }
  if (!requestBody) return [{ message: 'the request sends a body, but the operation takes none', location: operationLocation(op) }];
  const accepted = Object.keys(requestBody.content);
  const type = body.contentType ?? (body.json ? 'application/json' : undefined);
  const media = type ? findMedia(requestBody.content, type) : undefined;
  if (!type || !media) {
    return [{ message: `unsupported request media type '${type ?? '(none)'}': the operation accepts ${accepted.join(', ') || 'no body'}`, location: operationLocation(op) }];
  }
  const schema = media.value;
  if (!schema || !body.json) return [];
  const size = JSON.stringify(body.content).length;
  return ctx.validators.validate(schema, body.content, { size }).map((e) => bodyProblem(e, body.content, op, schema.pointer, schema.file.rel));
}
