import type { Audience, HttpMethod, IdempotencyMode, Upstream } from './extensions';
import { AUDIENCES, HTTP_METHODS, IDEMPOTENCY_MODES, UPSTREAMS, UPSTREAM_NAME } from './extensions';
import { joinPointer } from './json-pointer';
import { deref } from './refs';
import type { ContractFile, ContractProblem, JsonObject } from './types';
import { isObject } from './types';

/** A schema as it stands in a contract: the file it is written in matters for its relative `$ref`s. */
export interface SchemaSource {
  file: ContractFile;
  pointer: string;
  schema: unknown;
}

export interface ParameterModel {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  style?: string;
  explode?: boolean;
  schema?: SchemaSource;
}

export interface ResponseModel {
  content: Record<string, SchemaSource | undefined>;
  headers: string[];
}

export interface OperationModel {
  file: ContractFile;
  pointer: string;
  api: string;
  version: number;
  method: HttpMethod;
  path: string;
  operationId: string;
  summary: string;
  /** Scopes of the oauth2 requirement; an API key must carry them too. */
  scopes: string[];
  apiKey: boolean;
  /** An OAuth bearer token is accepted (`oauth2` is listed). */
  bearer: boolean;
  /** A developer-portal session cookie is accepted (`portalSession` is listed); `scopes` apply to it too. */
  session: boolean;
  public: boolean;
  upstream: Upstream;
  audience: Audience;
  idempotency: IdempotencyMode;
  rateLimitCost: number;
  deprecated: boolean;
  sunset?: string;
  parameters: ParameterModel[];
  requestBody?: { required: boolean; content: Record<string, SchemaSource | undefined> };
  responses: Record<string, ResponseModel>;
}

const RFC3339_DATE = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;
const OPERATION_ID = /^[a-z][A-Za-z0-9]*$/;

/** The pattern alone accepts 2027-02-30, which Date would silently roll over into March. */
function isRealDate(value: string): boolean {
  const m = RFC3339_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && !Number.isNaN(Date.parse(value));
}

const schemaSource = (holder: JsonObject, file: ContractFile, pointer: string): SchemaSource | undefined =>
  holder.schema === undefined ? undefined : { file, pointer: joinPointer(pointer, 'schema'), schema: holder.schema };

function contentOf(
  content: unknown,
  file: ContractFile,
  pointer: string,
): Record<string, SchemaSource | undefined> {
  const out: Record<string, SchemaSource | undefined> = {};
  if (!isObject(content)) return out;
  for (const [type, media] of Object.entries(content)) {
    if (isObject(media)) out[type] = schemaSource(media, file, joinPointer(pointer, 'content', type));
  }
  return out;
}

/**
 * Extracts every operation of one OpenAPI API document and checks Concord's rules on it:
 * operationId present and unique, security declared, scopes in the catalogue, and the `x-concord-*` extensions.
 */
export function extractOperations(
  file: ContractFile,
  byAbs: ReadonlyMap<string, ContractFile>,
  scopeCatalogue: ReadonlySet<string>,
): { operations: OperationModel[]; problems: ContractProblem[] } {
  const problems: ContractProblem[] = [];
  const operations: OperationModel[] = [];
  const report = (pointer: string, message: string) => problems.push({ file: file.rel, pointer, message });
  const doc = file.doc;
  const seenIds = new Map<string, string>();
  const paths = isObject(doc.paths) ? doc.paths : {};

  for (const [path, rawItem] of Object.entries(paths)) {
    const itemPointer = joinPointer('/paths', path);
    if (!isObject(rawItem)) continue;
    const pathParams = Array.isArray(rawItem.parameters) ? rawItem.parameters : [];
    for (const method of HTTP_METHODS) {
      const op = rawItem[method];
      if (!isObject(op)) continue;
      const at = joinPointer(itemPointer, method);
      const operationId = typeof op.operationId === 'string' ? op.operationId : '';
      if (!operationId) report(at, 'operation has no operationId');
      else if (!OPERATION_ID.test(operationId)) {
        report(joinPointer(at, 'operationId'), `operationId '${operationId}' must be camelCase letters and digits (it names generated functions)`);
      }
      else if (seenIds.has(operationId)) {
        report(joinPointer(at, 'operationId'), `duplicate operationId '${operationId}' (also at ${seenIds.get(operationId)})`);
      } else seenIds.set(operationId, at);

      const isPublic = op['x-concord-public'] === true;
      const security = (op.security ?? doc.security) as unknown;
      const scopes = new Set<string>();
      let apiKey = false;
      let bearer = false;
      let session = false;
      if (!Array.isArray(security) || (security.length === 0 && !isPublic)) {
        report(at, 'operation has no security requirement (only x-concord-public: true operations may have security: [])');
      } else {
        security.forEach((req, i) => {
          if (!isObject(req)) return;
          for (const [scheme, reqScopes] of Object.entries(req)) {
            if (scheme === 'apiKey') apiKey = true;
            if (scheme === 'oauth2') bearer = true;
            if (scheme === 'portalSession') session = true;
            if (scheme === 'oauth2' && Array.isArray(reqScopes)) {
              for (const s of reqScopes) {
                if (typeof s !== 'string') continue;
                scopes.add(s);
                if (!scopeCatalogue.has(s)) {
                  report(joinPointer(at, 'security', i, scheme), `scope '${s}' is not in the scope catalogue (common/http.yaml)`);
                }
              }
            }
          }
        });
      }
      if (apiKey && scopes.size === 0) report(joinPointer(at, 'security'), 'apiKey is accepted but no oauth2 scope says what the key must carry');

      const upstream = op['x-concord-upstream'] ?? doc['x-concord-upstream'];
      if (upstream === undefined) {
        report(at, 'operation has no x-concord-upstream (set it on the operation or at the document root)');
      } else if (typeof upstream !== 'string' || !UPSTREAM_NAME.test(upstream)) {
        report(joinPointer(at, 'x-concord-upstream'), `x-concord-upstream must be a built-in service (${UPSTREAMS.join(', ')}) or a catalogue upstream's name (lower case letters, digits and -)`);
      }
      const audience = op['x-concord-audience'] ?? doc['x-concord-audience'] ?? 'partner';
      if (!AUDIENCES.includes(audience as Audience)) {
        report(joinPointer(at, 'x-concord-audience'), `x-concord-audience must be one of ${AUDIENCES.join(', ')}`);
      }
      const idempotency = op['x-concord-idempotency'] ?? 'none';
      if (idempotency !== 'none' && !IDEMPOTENCY_MODES.includes(idempotency as 'required')) {
        report(joinPointer(at, 'x-concord-idempotency'), `x-concord-idempotency must be one of ${IDEMPOTENCY_MODES.join(', ')}`);
      }
      const cost = op['x-concord-rate-limit-cost'] ?? 1;
      if (!Number.isInteger(cost) || (cost as number) < 1) {
        report(joinPointer(at, 'x-concord-rate-limit-cost'), 'x-concord-rate-limit-cost must be an integer >= 1');
      }
      const deprecated = op.deprecated === true || doc['x-concord-deprecated'] === true;
      const sunset = (op['x-sunset'] ?? doc['x-sunset']) as unknown;
      if (sunset !== undefined) {
        if (typeof sunset !== 'string' || !isRealDate(sunset)) {
          report(joinPointer(at, 'x-sunset'), 'x-sunset must be an existing RFC 3339 date, e.g. 2027-06-30');
        } else if (!deprecated) {
          report(joinPointer(at, 'x-sunset'), 'x-sunset needs deprecated: true (or x-concord-deprecated: true at the document root)');
        }
      }

      const parameters = new Map<string, ParameterModel>();
      const addParams = (list: unknown[], listPointer: string) =>
        list.forEach((raw, i) => {
          try {
            const { value, file: pFile, pointer } = deref(raw, file, byAbs);
            const pPointer = pointer ?? joinPointer(listPointer, i);
            const param: ParameterModel = {
              name: String(value.name),
              in: value.in as ParameterModel['in'],
              required: value.required === true || value.in === 'path',
              ...(typeof value.style === 'string' ? { style: value.style } : {}),
              ...(typeof value.explode === 'boolean' ? { explode: value.explode } : {}),
            };
            const schema = schemaSource(value, pFile, pPointer);
            if (schema) param.schema = schema;
            parameters.set(`${param.in}:${param.in === 'header' ? param.name.toLowerCase() : param.name}`, param);
          } catch (err) {
            report(joinPointer(listPointer, i), (err as Error).message);
          }
        });
      addParams(pathParams, joinPointer(itemPointer, 'parameters'));
      addParams(Array.isArray(op.parameters) ? op.parameters : [], joinPointer(at, 'parameters'));

      if (idempotency === 'required' && !parameters.has('header:idempotency-key')) {
        report(joinPointer(at, 'parameters'), 'x-concord-idempotency: required but the Idempotency-Key header parameter is not declared');
      }

      let requestBody: OperationModel['requestBody'];
      if (op.requestBody !== undefined) {
        try {
          const { value, file: bFile, pointer } = deref(op.requestBody, file, byAbs);
          requestBody = {
            required: value.required === true,
            content: contentOf(value.content, bFile, pointer ?? joinPointer(at, 'requestBody')),
          };
        } catch (err) {
          report(joinPointer(at, 'requestBody'), (err as Error).message);
        }
      }

      const responses: Record<string, ResponseModel> = {};
      for (const [status, raw] of Object.entries(isObject(op.responses) ? op.responses : {})) {
        try {
          const { value, file: rFile, pointer } = deref(raw, file, byAbs);
          responses[status] = {
            content: contentOf(value.content, rFile, pointer ?? joinPointer(at, 'responses', status)),
            headers: isObject(value.headers) ? Object.keys(value.headers) : [],
          };
        } catch (err) {
          report(joinPointer(at, 'responses', status), (err as Error).message);
        }
      }

      operations.push({
        file,
        pointer: at,
        api: file.api ?? '',
        version: file.version ?? 0,
        method,
        path,
        operationId,
        summary: typeof op.summary === 'string' ? op.summary : '',
        scopes: [...scopes].sort(),
        apiKey,
        bearer,
        session,
        public: isPublic,
        upstream: upstream as Upstream,
        audience: audience as Audience,
        idempotency: idempotency as IdempotencyMode,
        rateLimitCost: cost as number,
        deprecated,
        ...(typeof sunset === 'string' ? { sunset } : {}),
        parameters: [...parameters.values()],
        ...(requestBody ? { requestBody } : {}),
        responses,
      });
    }
  }
  return { operations, problems };
}
