import type { Audience, HttpMethod, IdempotencyMode, Upstream } from './extensions';
import { AUDIENCES, HTTP_METHODS, IDEMPOTENCY_MODES, UPSTREAM_NAME } from './extensions';
import type { ContractProfile } from './profile';
import { CONCORD_PROFILE, IMPORT_DEFAULTS, UNSAFE_METHODS } from './profile';
import { BUILT_IN_SERVICES } from '../../platform/catalogue/types';
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
  /** When it was deprecated (`x-concord-deprecated-at`), for the Deprecation header. */
  deprecatedAt?: string;
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

/** What a security requirement's scheme grants, by Concord's names or, in other documents, by the scheme's type. */
function schemeKind(name: string, doc: JsonObject): 'oauth2' | 'apiKey' | 'portalSession' | undefined {
  if (name === 'oauth2' || name === 'apiKey' || name === 'portalSession') return name;
  const schemes = isObject(doc.components) && isObject(doc.components.securitySchemes) ? doc.components.securitySchemes : {};
  const scheme = schemes[name];
  if (!isObject(scheme)) return undefined;
  if (scheme.type === 'oauth2' || scheme.type === 'openIdConnect') return 'oauth2';
  if (scheme.type === 'http' && String(scheme.scheme).toLowerCase() === 'bearer') return 'oauth2';
  if (scheme.type === 'apiKey') return 'apiKey';
  return undefined;
}

/**
 * A camelCase id for a third-party operation whose id is missing or not an identifier:
 * `get-stock-item` -> `getStockItem`; none on `get /loyalty/{id}/points` -> `getLoyaltyIdPoints`.
 */
export function derivedOperationId(method: string, path: string, given: string): string {
  const words = (text: string) => text.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const camel = (ws: string[]) => ws.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() : w.charAt(0).toUpperCase()) + w.slice(1)).join('');
  const fromGiven = camel(words(given));
  return OPERATION_ID.test(fromGiven) ? fromGiven : camel([method, ...words(given || path)]);
}

/**
 * Extracts every operation of one OpenAPI API document and checks Concord's rules on it:
 * operationId present and unique, security declared, scopes in the catalogue, and the `x-concord-*` extensions.
 * Under the import profile the house rules give way to defaults and their findings are `warnings`.
 */
export function extractOperations(
  file: ContractFile,
  byAbs: ReadonlyMap<string, ContractFile>,
  scopeCatalogue: ReadonlySet<string>,
  profile: ContractProfile = CONCORD_PROFILE,
): { operations: OperationModel[]; problems: ContractProblem[]; warnings: ContractProblem[] } {
  const problems: ContractProblem[] = [];
  const warnings: ContractProblem[] = [];
  const operations: OperationModel[] = [];
  const report = (pointer: string, message: string) => problems.push({ file: file.rel, pointer, message });
  const imported = profile.name === 'import';
  /** A house rule: an error for Concord's own contracts, a warning for imported ones. */
  const rule = (pointer: string, message: string) => (imported ? warnings : problems).push({ file: file.rel, pointer, message });
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
      let operationId = typeof op.operationId === 'string' ? op.operationId : '';
      if (imported && !OPERATION_ID.test(operationId)) {
        const derived = derivedOperationId(method, path, operationId);
        rule(at, operationId ? `operationId '${operationId}' is not camelCase; using '${derived}'` : `operation has no operationId; using '${derived}'`);
        operationId = derived;
      }
      if (!operationId) report(at, 'operation has no operationId');
      else if (!OPERATION_ID.test(operationId)) {
        report(joinPointer(at, 'operationId'), `operationId '${operationId}' must be camelCase letters and digits (it names generated functions)`);
      }
      else if (seenIds.has(operationId)) {
        report(joinPointer(at, 'operationId'), `duplicate operationId '${operationId}' (also at ${seenIds.get(operationId)})`);
      } else seenIds.set(operationId, at);

      const isPublic = op['x-concord-public'] === true;
      let security = (op.security ?? doc.security) as unknown;
      if (imported && security === undefined) {
        rule(at, 'no security requirement; the import profile requires a bearer token (no scope)');
        security = IMPORT_DEFAULTS.security;
      }
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
            const kind = schemeKind(scheme, doc);
            if (kind === undefined) rule(joinPointer(at, 'security', i, scheme), `security scheme '${scheme}' is not one the gateway enforces (oauth2, openIdConnect, http bearer, apiKey)`);
            if (kind === 'apiKey') apiKey = true;
            if (kind === 'oauth2') bearer = true;
            if (kind === 'portalSession') session = true;
            if (kind === 'oauth2' && Array.isArray(reqScopes)) {
              for (const s of reqScopes) {
                if (typeof s !== 'string') continue;
                scopes.add(s);
                if (!scopeCatalogue.has(s)) {
                  rule(joinPointer(at, 'security', i, scheme), `scope '${s}' is not in the scope catalogue (common/http.yaml) nor declared by the document's security schemes`);
                }
              }
            }
          }
        });
      }
      if (apiKey && scopes.size === 0) rule(joinPointer(at, 'security'), 'apiKey is accepted but no oauth2 scope says what the key must carry');

      const upstream = op['x-concord-upstream'] ?? doc['x-concord-upstream'] ?? profile.upstream;
      if (upstream === undefined) {
        report(at, `operation has no x-concord-upstream (set it on the operation or at the document root${imported ? ', or `upstream` on the catalogue\'s contracts entry' : ''})`);
      } else if (typeof upstream !== 'string' || !UPSTREAM_NAME.test(upstream)) {
        report(joinPointer(at, 'x-concord-upstream'), `x-concord-upstream must be a built-in service (${BUILT_IN_SERVICES.join(', ')}) or a catalogue upstream's name (lower case letters, digits and -)`);
      }
      const audience = op['x-concord-audience'] ?? doc['x-concord-audience'] ?? IMPORT_DEFAULTS.audience;
      if (!AUDIENCES.includes(audience as Audience)) {
        report(joinPointer(at, 'x-concord-audience'), `x-concord-audience must be one of ${AUDIENCES.join(', ')}`);
      }
      const idempotency = op['x-concord-idempotency'] ?? (imported && UNSAFE_METHODS.has(method) ? IMPORT_DEFAULTS.unsafeIdempotency : 'none');
      if (idempotency !== 'none' && !IDEMPOTENCY_MODES.includes(idempotency as 'required')) {
        report(joinPointer(at, 'x-concord-idempotency'), `x-concord-idempotency must be one of ${IDEMPOTENCY_MODES.join(', ')}`);
      }
      const cost = op['x-concord-rate-limit-cost'] ?? IMPORT_DEFAULTS.rateLimitCost;
      if (!Number.isInteger(cost) || (cost as number) < 1) {
        report(joinPointer(at, 'x-concord-rate-limit-cost'), 'x-concord-rate-limit-cost must be an integer >= 1');
      }
      let deprecated = op.deprecated === true || doc['x-concord-deprecated'] === true;
      const deprecatedAt = (op['x-concord-deprecated-at'] ?? doc['x-concord-deprecated-at']) as unknown;
      if (deprecatedAt !== undefined && (typeof deprecatedAt !== 'string' || !isRealDate(deprecatedAt))) {
        rule(joinPointer(at, 'x-concord-deprecated-at'), 'x-concord-deprecated-at must be an existing RFC 3339 date, e.g. 2026-11-23');
      } else if (deprecated && deprecatedAt === undefined && file.profile) {
        // The package's own may take the date from the version-status config; a directory's contract is all there is.
        if (imported) {
          warnings.push({ file: file.rel, pointer: at, message: 'deprecated without x-concord-deprecated-at: served without Deprecation and Sunset headers' });
          deprecated = false;
        } else report(at, 'deprecated without x-concord-deprecated-at (the date the Deprecation header states)');
      }
      const sunset = (op['x-sunset'] ?? doc['x-sunset']) as unknown;
      if (sunset !== undefined) {
        if (typeof sunset !== 'string' || !isRealDate(sunset)) {
          rule(joinPointer(at, 'x-sunset'), 'x-sunset must be an existing RFC 3339 date, e.g. 2027-06-30');
        } else if (!deprecated) {
          rule(joinPointer(at, 'x-sunset'), 'x-sunset needs deprecated: true (or x-concord-deprecated: true at the document root)');
        }
      }
      // Checked here rather than only by the version-status policy at route registration, where it would stop start-up
      // for every API instead of refusing (or, imported, downgrading) this contract alone.
      if (deprecated && typeof sunset === 'string' && typeof deprecatedAt === 'string' && isRealDate(sunset) && isRealDate(deprecatedAt) && Date.parse(sunset) < Date.parse(deprecatedAt)) {
        if (imported) {
          warnings.push({ file: file.rel, pointer: at, message: `x-sunset ${sunset} is before x-concord-deprecated-at ${deprecatedAt}: served without Deprecation and Sunset headers` });
          deprecated = false;
        } else report(joinPointer(at, 'x-sunset'), `x-sunset ${sunset} is before x-concord-deprecated-at ${deprecatedAt}`);
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
        rule(joinPointer(at, 'parameters'), 'x-concord-idempotency: required but the Idempotency-Key header parameter is not declared');
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
        ...(deprecated && typeof deprecatedAt === 'string' && isRealDate(deprecatedAt) ? { deprecatedAt } : {}),
        ...(deprecated && typeof sunset === 'string' && isRealDate(sunset) ? { sunset } : {}),
        parameters: [...parameters.values()],
        ...(requestBody ? { requestBody } : {}),
        responses,
      });
    }
  }
  return { operations, problems, warnings };
}
