import type { ContractSet, OperationModel } from '../contracts';
import type { RouteManifestEntry } from '../manifest-types';
import type { GeneratedFile } from './naming';
import { GENERATED_DIR, HEADER, importPath, isJsonLike } from './naming';
import {
  EVENT_VALIDATORS_MODULE,
  bodyValidatorModule,
  bodyValidatorName,
  paramsValidatorModule,
  paramsValidatorName,
  responseValidatorModule,
  responseValidatorName,
} from './validators';

const ROUTES = `${GENERATED_DIR}/routes`;
const EVENTS = `${GENERATED_DIR}/events`;
const js = (v: unknown): string => JSON.stringify(v);
const alias = (mod: string): string => mod.replace(/^generated\/validators\//, 'v_').replace(/[^A-Za-z0-9_]/g, '_');

export type RouteData = Omit<RouteManifestEntry, 'validate'>;

/**
 * One operation's manifest entry without its validators: what `concord generate` writes into generated/routes.ts
 * and what start-up builds for contracts served without generated code (codegen/runtime-manifest.ts).
 */
export function routeData(op: OperationModel): RouteData {
  return {
    api: op.api,
    version: op.version,
    group: op.file.group as RouteData['group'],
    contract: op.file.rel,
    method: op.method.toUpperCase() as RouteData['method'],
    path: op.path,
    operationId: op.operationId,
    summary: op.summary,
    scopes: op.scopes,
    apiKey: op.apiKey,
    bearer: op.bearer,
    session: op.session,
    public: op.public,
    upstream: op.upstream,
    audience: op.audience,
    idempotency: op.idempotency,
    rateLimitCost: op.rateLimitCost,
    deprecated: op.deprecated,
    ...(op.deprecatedAt ? { deprecatedAt: op.deprecatedAt } : {}),
    ...(op.sunset ? { sunset: op.sunset } : {}),
    parameters: op.parameters.map((x) => ({ name: x.name, in: x.in, required: x.required, ...(x.style ? { style: x.style } : {}), ...(x.explode !== undefined ? { explode: x.explode } : {}) })),
    ...(op.requestBody ? { requestBody: { required: op.requestBody.required, contentTypes: Object.keys(op.requestBody.content) } } : {}),
    responses: Object.fromEntries(Object.entries(op.responses).map(([s, r]) => [s, { contentTypes: Object.keys(r.content), headers: r.headers }])),
  };
}

/** The validators an operation has: JSON-like request bodies, and responses by status, each by content type. */
export function validatedContent(op: OperationModel): { body: string[]; responses: Array<readonly [string, string[]]> } {
  return {
    body: Object.keys(op.requestBody?.content ?? {}).filter((ct) => op.requestBody?.content[ct] && isJsonLike(ct)),
    responses: Object.entries(op.responses)
      .map(([status, r]) => [status, Object.keys(r.content).filter((ct) => r.content[ct] && isJsonLike(ct))] as const)
      .filter(([, cts]) => cts.length > 0),
  };
}

function entry(op: OperationModel): string {
  const b = alias(bodyValidatorModule(op.file));
  const v = alias(responseValidatorModule(op.file));
  const p = alias(paramsValidatorModule(op.file));
  const { body, responses } = validatedContent(op);
  const d = routeData(op);
  const lines = [
    `api: ${js(d.api)}, version: ${d.version}, group: ${js(d.group)}, contract: ${js(d.contract)},`,
    `method: ${js(d.method)}, path: ${js(d.path)}, operationId: ${js(d.operationId)},`,
    `summary: ${js(d.summary)},`,
    `scopes: ${js(d.scopes)}, apiKey: ${d.apiKey}, bearer: ${d.bearer}, session: ${d.session}, public: ${d.public},`,
    `upstream: ${js(d.upstream)}, audience: ${js(d.audience)}, idempotency: ${js(d.idempotency)}, rateLimitCost: ${d.rateLimitCost},`,
    `deprecated: ${d.deprecated},${d.deprecatedAt ? ` deprecatedAt: ${js(d.deprecatedAt)},` : ''}${d.sunset ? ` sunset: ${js(d.sunset)},` : ''}`,
    `parameters: ${js(d.parameters)},`,
    ...(d.requestBody ? [`requestBody: ${js(d.requestBody)},`] : []),
    `responses: ${js(d.responses)},`,
    `validate: {`,
    `  params: ${p}.${paramsValidatorName(op)},`,
    ...(body.length ? [`  body: { ${body.map((ct) => `${js(ct)}: ${b}.${bodyValidatorName(op, ct)}`).join(', ')} },`] : []),
    ...(responses.length
      ? [`  responses: {`, ...responses.map(([s, cts]) => `    ${js(s)}: { ${cts.map((ct) => `${js(ct)}: ${v}.${responseValidatorName(op, s, ct)}`).join(', ')} },`), `  },`]
      : []),
    `},`,
  ];
  return `  {\n${lines.map((l) => `    ${l}`).join('\n')}\n  },`;
}

/** The route manifest: every operation with its security, `x-concord-*` policies and compiled validators. */
export function emitManifest(set: ContractSet): GeneratedFile[] {
  const apis = set.files.filter((f) => f.kind === 'openapi' && f.group !== 'common');
  const imports = apis.flatMap((f) => [bodyValidatorModule(f), paramsValidatorModule(f), responseValidatorModule(f)]);
  const routes = [
    HEADER('contracts/openapi'),
    `import type { RouteManifestEntry } from '${importPath(ROUTES, 'codegen/manifest-types')}';`,
    ...imports.map((m) => `import * as ${alias(m)} from '${importPath(ROUTES, m)}';`),
    '',
    '/** SHA-256 over the contract files this manifest was generated from; `concord start` refuses a mismatch. */',
    `export const contractsDigest = ${js(set.digest)};`,
    '',
    'export const routes: readonly RouteManifestEntry[] = [',
    ...set.operations.map(entry),
    '];',
    '',
  ].join('\n');

  const eventsFile = set.files.find((f) => f.kind === 'asyncapi');
  const events = [
    HEADER(eventsFile?.rel ?? 'contracts/asyncapi'),
    `import type { EventCatalogueEntry } from '${importPath(EVENTS, 'codegen/manifest-types')}';`,
    `import type { components } from '${importPath(EVENTS, `${GENERATED_DIR}/types/events`)}';`,
    `import * as validators from '${importPath(EVENTS, EVENT_VALIDATORS_MODULE)}';`,
    '',
    '/** The full CloudEvent (envelope and data) of each event type. */',
    'export interface EventMap {',
    ...set.events.map((e) => `  ${js(e.type)}: components['schemas'][${js(`${e.messageName}Event`)}];`),
    '}',
    'export type EventType = keyof EventMap;',
    '',
    'export const eventCatalogue: { readonly [T in EventType]: EventCatalogueEntry & { type: T } } = {',
    ...set.events.map(
      (e) =>
        `  ${js(e.type)}: { type: ${js(e.type)}, subject: ${js(e.subject)}, message: ${js(e.messageName)}, senders: ${js(e.senders)}, receivers: ${js(e.receivers)}, validate: validators.${e.messageName} },`,
    ),
    '};',
    '',
  ].join('\n');
  return [
    { path: `${ROUTES}.ts`, content: routes },
    ...(eventsFile ? [{ path: `${EVENTS}.ts`, content: events }] : []),
  ];
}
