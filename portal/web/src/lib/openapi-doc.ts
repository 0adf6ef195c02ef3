/**
 * Reading operations and their examples out of a bundled OpenAPI document (GET /portal/v1/apis/{id}/document), for
 * the try-it panel and the getting-started guide: paths, methods, parameters and bodies all come from the contract.
 */
type Json = Record<string, unknown>;

export interface DocOperation {
  method: string;
  path: string;
  operationId?: string;
  summary?: string;
  /** `x-concord-idempotency`, or `required` when the operation lists an Idempotency-Key header. */
  idempotency?: 'required' | 'optional';
  scopes: string[];
  /** Path parameters with their contract examples. */
  pathParams: Array<{ name: string; example?: string }>;
  /** Query parameters with their contract examples. */
  queryParams: Array<{ name: string; required: boolean; example?: string }>;
  /** The request body's examples, in contract order (`examples` entries, else `example`). */
  bodyExamples: Array<{ name: string; summary?: string; value: unknown }>;
  hasBody: boolean;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

/** Follows local `#/…` references (the bundled document has no external ones left). */
export function deref(doc: Json, value: unknown, depth = 0): unknown {
  if (!isObject(value) || typeof value.$ref !== 'string' || depth > 20) return value;
  const ref = value.$ref;
  if (!ref.startsWith('#/')) return value;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = isObject(node) ? node[key] : undefined;
  }
  return deref(doc, node, depth + 1);
}

function exampleString(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map(String).join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function paramExample(doc: Json, p: Json): string | undefined {
  if (p.example !== undefined) return exampleString(p.example);
  if (isObject(p.examples)) {
    const first = deref(doc, Object.values(p.examples)[0]);
    if (isObject(first)) return exampleString(first.value);
  }
  const schema = deref(doc, p.schema);
  if (isObject(schema)) {
    if (schema.example !== undefined) return exampleString(schema.example);
    if (Array.isArray(schema.examples) && schema.examples.length > 0) return exampleString(schema.examples[0]);
    if (schema.default !== undefined) return exampleString(schema.default);
  }
  return undefined;
}

export function isOpenApi(doc: unknown): doc is Json {
  return isObject(doc) && typeof doc.openapi === 'string';
}

export function listOperations(doc: Json): DocOperation[] {
  const out: DocOperation[] = [];
  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = deref(doc, rawItem);
    if (!isObject(item)) continue;
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const params = new Map<string, Json>();
      for (const raw of [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])]) {
        const p = deref(doc, raw);
        if (isObject(p) && typeof p.name === 'string' && typeof p.in === 'string') params.set(`${p.in}:${p.name.toLowerCase()}`, p);
      }
      const declared = op['x-concord-idempotency'];
      const idemHeader = params.get('header:idempotency-key');
      const idempotency =
        declared === 'required' || declared === 'optional'
          ? declared
          : idemHeader
            ? idemHeader.required
              ? 'required'
              : 'optional'
            : undefined;
      const scopes: string[] = [];
      if (Array.isArray(op.security)) {
        for (const req of op.security) if (isObject(req)) for (const v of Object.values(req)) if (Array.isArray(v)) scopes.push(...v.map(String));
      }
      const body = deref(doc, op.requestBody);
      const bodyExamples: DocOperation['bodyExamples'] = [];
      let hasBody = false;
      if (isObject(body) && isObject(body.content)) {
        const media = deref(doc, body.content['application/json']);
        if (isObject(media)) {
          hasBody = true;
          if (isObject(media.examples)) {
            for (const [name, raw] of Object.entries(media.examples)) {
              const ex = deref(doc, raw);
              if (isObject(ex) && 'value' in ex) bodyExamples.push({ name, ...(typeof ex.summary === 'string' ? { summary: ex.summary } : {}), value: ex.value });
            }
          }
          if (bodyExamples.length === 0 && media.example !== undefined) bodyExamples.push({ name: 'example', value: media.example });
          if (bodyExamples.length === 0) {
            const schema = deref(doc, media.schema);
            if (isObject(schema) && schema.example !== undefined) bodyExamples.push({ name: 'example', value: schema.example });
          }
        }
      }
      const all = [...params.values()];
      out.push({
        method: method.toUpperCase(),
        path,
        ...(typeof op.operationId === 'string' ? { operationId: op.operationId } : {}),
        ...(typeof op.summary === 'string' ? { summary: op.summary } : {}),
        ...(idempotency ? { idempotency } : {}),
        scopes,
        pathParams: all.filter((p) => p.in === 'path').map((p) => ({ name: String(p.name), ...optional('example', paramExample(doc, p)) })),
        queryParams: all
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: String(p.name), required: p.required === true, ...optional('example', paramExample(doc, p)) })),
        bodyExamples,
        hasBody,
      });
    }
  }
  return out;
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

/**
 * The operation's URL with the contract's examples: path parameters filled in, and the required query
 * parameters (or, when none is required, the first one with an example: several are often mutually exclusive).
 */
export function exampleUrl(op: DocOperation): string {
  let path = op.path;
  for (const p of op.pathParams) path = path.replace(`{${p.name}}`, encodeURIComponent(p.example ?? `{${p.name}}`));
  const withExamples = op.queryParams.filter((q) => q.example !== undefined);
  const chosen = withExamples.filter((q) => q.required);
  if (chosen.length === 0 && withExamples[0]) chosen.push(withExamples[0]);
  const search = new URLSearchParams();
  for (const q of chosen) search.set(q.name, q.example!);
  const qs = search.toString().replace(/%2C/gi, ',');
  return qs ? `${path}?${qs}` : path;
}

export function findOperation(doc: Json, operationId: string): DocOperation | undefined {
  return listOperations(doc).find((op) => op.operationId === operationId);
}
