import SwaggerParser from '@apidevtools/swagger-parser';
import fc from 'fast-check';
import { sample } from 'openapi-sampler';
import { join } from 'node:path';
import type { RouteManifestEntry } from '../../codegen/manifest-types';

/** One HTTP request as the fuzz suite sends it: the body is raw text, so it can also be malformed. */
export interface FuzzRequest {
  method: string;
  path: string;
  query: Array<[string, string]>;
  headers: Record<string, string>;
  contentType?: string;
  body?: unknown;
  rawBody?: string;
}

type Schema = Record<string, unknown>;
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
  explode?: boolean;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

/** Every contract file's operations with every `$ref` resolved (across files), by `METHOD path`, per contract. */
export async function dereferencedOperations(root: string, routes: readonly RouteManifestEntry[]): Promise<Map<RouteManifestEntry, { op: Operation; pathParams: Parameter[] }>> {
  const out = new Map<RouteManifestEntry, { op: Operation; pathParams: Parameter[] }>();
  const byContract = new Map<string, RouteManifestEntry[]>();
  for (const r of routes) byContract.set(r.contract, [...(byContract.get(r.contract) ?? []), r]);
  for (const [contract, rs] of byContract) {
    const doc = (await SwaggerParser.dereference(join(root, contract))) as unknown as { paths: Record<string, Record<string, unknown>> };
    for (const r of rs) {
      const item = doc.paths[r.path] ?? {};
      const op = item[r.method.toLowerCase()] as Operation | undefined;
      if (!op) continue;
      const shared = (item.parameters as Parameter[] | undefined) ?? [];
      out.set(r, { op: { ...op, parameters: [...shared, ...(op.parameters ?? [])] }, pathParams: [] });
    }
  }
  return out;
}

const sampled = (schema: Schema | undefined): unknown => (schema ? sample(schema as never, { skipReadOnly: true, quiet: true }) : 'x');

/**
 * A parameter's value: openapi-sampler's, unless that misses the schema's `pattern` (it does not generate from
 * patterns); then one fast-check draws from the pattern, seeded, so the request stays replayable.
 */
function parameterValue(schema: Schema | undefined, seed: number): unknown {
  const value = sampled(schema);
  const pattern = typeof schema?.pattern === 'string' ? new RegExp(schema.pattern) : undefined;
  if (typeof value !== 'string' || !pattern || pattern.test(value)) return value;
  const [drawn] = fc.sample(fc.stringMatching(pattern), { seed, numRuns: 1 });
  return drawn ?? value;
}

/**
 * A valid request from the schemas (openapi-sampler: examples, defaults, formats); `n` makes keys unique. Valid
 * in shape: the ids in it come from the examples, so many name nothing that exists here (404).
 */
export function validRequest(route: RouteManifestEntry, op: Operation, n: string, seed: number): FuzzRequest {
  let path = route.path;
  const query: Array<[string, string]> = [];
  const headers: Record<string, string> = {};
  for (const p of op.parameters ?? []) {
    const value = parameterValue(p.schema, seed);
    const text = Array.isArray(value) ? value.map(String).join(',') : String(value);
    if (p.in === 'path') path = path.replace(`{${p.name}}`, encodeURIComponent(text));
    // Optional query parameters are left out: together they contradict each other (`sku` and `skus`) or carry
    // an example cursor this instance never issued; the mutations add and break parameters instead.
    else if (p.in === 'query' && p.required) {
      if (Array.isArray(value) && p.explode !== false) for (const v of value) query.push([p.name, String(v)]);
      else query.push([p.name, text]);
    } else if (p.in === 'header' && p.name.toLowerCase() === 'idempotency-key') headers[p.name] = `fuzz-${n}`;
  }
  const content = op.requestBody?.content ?? {};
  const contentType = Object.keys(content)[0];
  if (!contentType) return { method: route.method, path, query, headers };
  const body = sampled(content[contentType]?.schema);
  return { method: route.method, path, query, headers, contentType, body };
}

/** The body as text for its content type: JSON, or form fields for `application/x-www-form-urlencoded`. */
export function encodeBody(req: FuzzRequest): string | undefined {
  if (req.rawBody !== undefined) return req.rawBody;
  if (req.body === undefined) return undefined;
  if (req.contentType === 'application/x-www-form-urlencoded' && req.body !== null && typeof req.body === 'object') {
    return new URLSearchParams(Object.entries(req.body as Record<string, unknown>).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString();
  }
  return JSON.stringify(req.body);
}
