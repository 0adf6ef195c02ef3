import { dirname, relative } from 'node:path';
import { toPosix } from '../../../codegen/contracts/discover';
import { isObject } from '../../../codegen/contracts/types';
import type { DocumentSet, Located } from '../../../governance/model/document-set';
import { child, deref, loadDocumentSet, root } from '../../../governance/model/document-set';
import type { CatalogueEntry } from './catalogue';

/** The server `npm start` listens on, as every contract's `servers` says. */
export const LOCAL_BASE_URL = 'http://127.0.0.1:8080';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
type Method = (typeof METHODS)[number];

export interface UsageExample {
  /** The client factory, e.g. `createOrdersV2Client`. */
  factory: string;
  operationId: string;
  method: Method;
  path: string;
  /** oauth2 scopes the operation needs; empty for a public operation. */
  scopes: string[];
  public: boolean;
  /** A TypeScript program: get a token, create the client, call the operation. */
  code: string;
}

interface Operation {
  method: Method;
  path: string;
  at: Located;
  pathItem: Located;
}

function operationsOf(set: DocumentSet): Operation[] {
  const paths = child(root(set), 'paths');
  if (!isObject(paths.node)) return [];
  return Object.keys(paths.node).flatMap((path) => {
    const pathItem = deref(set, child(paths, path));
    return Object.keys(isObject(pathItem.node) ? pathItem.node : {})
      .filter((k): k is Method => (METHODS as readonly string[]).includes(k))
      .map((method) => ({ method, path, at: child(pathItem, method), pathItem }));
  });
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  example: unknown;
}

function exampleOf(param: Record<string, unknown>, set: DocumentSet, at: Located): unknown {
  if (param.example !== undefined) return param.example;
  if (isObject(param.examples)) {
    const first = Object.values(param.examples)[0];
    if (isObject(first)) return first.value;
  }
  const schema = isObject(param.schema) ? deref(set, child(at, 'schema')).node : undefined;
  if (isObject(schema)) {
    if (schema.example !== undefined) return schema.example;
    if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
    if (schema.default !== undefined) return schema.default;
    if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  }
  return undefined;
}

/** Path-item parameters overridden by the operation's own, by name and location. */
function parametersOf(set: DocumentSet, op: Operation): Parameter[] {
  const byKey = new Map<string, Parameter>();
  for (const holder of [op.pathItem, op.at]) {
    const list = child(holder, 'parameters');
    if (!Array.isArray(list.node)) continue;
    list.node.forEach((_, i) => {
      const at = deref(set, child(list, i));
      const p = at.node;
      if (!isObject(p) || typeof p.name !== 'string' || typeof p.in !== 'string') return;
      const param = { name: p.name, in: p.in as Parameter['in'], required: p.required === true || p.in === 'path', example: exampleOf(p, set, at) };
      byKey.set(`${param.in}:${param.name}`, param);
    });
  }
  return [...byKey.values()];
}

function securityOf(set: DocumentSet, op: Operation): { public: boolean; scopes: string[] } {
  const own = child(op.at, 'security');
  const requirements = Array.isArray(own.node) ? own.node : (set.entry.doc.security as unknown);
  if (!Array.isArray(requirements) || requirements.length === 0) return { public: true, scopes: [] };
  const schemes = child(root(set), 'components', 'securitySchemes').node;
  for (const requirement of requirements) {
    if (!isObject(requirement)) continue;
    for (const [name, scopes] of Object.entries(requirement)) {
      const scheme = isObject(schemes) ? schemes[name] : undefined;
      if (isObject(scheme) && scheme.type === 'oauth2') return { public: false, scopes: Array.isArray(scopes) ? scopes.map(String) : [] };
    }
  }
  return { public: requirements.some((r) => isObject(r) && Object.keys(r).length === 0), scopes: [] };
}

function jsonBodyExample(set: DocumentSet, op: Operation): unknown {
  const body = deref(set, child(op.at, 'requestBody'));
  const media = child(body, 'content', 'application/json').node;
  if (!isObject(media)) return undefined;
  if (media.example !== undefined) return media.example;
  const first = isObject(media.examples) ? Object.values(media.examples)[0] : undefined;
  return isObject(first) ? first.value : undefined;
}

/**
 * The operation the example calls, preferring calls that work as written: a GET without parameters (headers
 * aside), else a GET whose required parameters all have examples, else any such operation, else the first.
 * The sandbox's own controls (`…/sandbox/…`) are no example of the API.
 */
function pick(set: DocumentSet, all: Operation[]): Operation | undefined {
  const business = all.filter((op) => !op.path.split('/').includes('sandbox'));
  const ops = business.length > 0 ? business : all;
  const params = (op: Operation) => parametersOf(set, op).filter((p) => p.in !== 'header' && p.in !== 'cookie');
  const usable = (op: Operation) => parametersOf(set, op).every((p) => !p.required || p.example !== undefined);
  return (
    ops.find((op) => op.method === 'get' && params(op).length === 0) ??
    ops.find((op) => op.method === 'get' && usable(op)) ??
    ops.find(usable) ??
    ops[0]
  );
}

const quote = (text: string): string => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
const key = (name: string): string => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name));

/** A JSON value as a TypeScript literal in the README's style: single quotes, bare keys, trailing commas. */
function literal(value: unknown, by: string): string {
  if (typeof value === 'string') return quote(value);
  if (value === undefined) return quote('…');
  if (value === null || typeof value !== 'object') return String(value);
  const inner = `${by}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map((v) => literal(v, inner)).join(', ')}]`;
    return `[\n${value.map((v) => `${inner}${literal(v, inner)},`).join('\n')}\n${by}]`;
  }
  const fields = Object.entries(value);
  if (fields.length === 0) return '{}';
  return `{\n${fields.map(([k, v]) => `${inner}${key(k)}: ${literal(v, inner)},`).join('\n')}\n${by}}`;
}

function callArguments(params: Parameter[], body: unknown, hasBody: boolean): string {
  const groups: string[] = [];
  for (const where of ['path', 'query', 'header'] as const) {
    const required = params.filter((p) => p.in === where && p.required);
    if (required.length === 0) continue;
    const fields = required.map((p) => `${key(p.name)}: ${literal(p.example, '      ')}`);
    groups.push(`${where}: { ${fields.join(', ')} }`);
  }
  const parts: string[] = [];
  if (groups.length > 0) parts.push(`params: { ${groups.join(', ')} }`);
  if (hasBody) parts.push(`body: ${literal(body, '    ')}`);
  if (parts.length === 0) return '';
  return hasBody ? `, {\n    ${parts.join(',\n    ')},\n  }` : `, { ${parts.join(', ')} }`;
}

/**
 * How to use a generated client, from the contract: create it for the local Concord, get a token with the
 * client credentials grant (unless the operation is public), and call one operation with the contract's
 * examples (see `pick`).
 */
export async function usageExample(entry: CatalogueEntry, factory: string): Promise<UsageExample> {
  const set = await loadDocumentSet(entry.file, (abs) => toPosix(relative(dirname(entry.file), abs)));
  const op = pick(set, operationsOf(set));
  if (!op) throw new Error(`${entry.version.id} has no operation`);
  const opNode = isObject(op.at.node) ? op.at.node : {};
  const operationId = typeof opNode.operationId === 'string' ? opNode.operationId : `${op.method} ${op.path}`;
  const summary = typeof opNode.summary === 'string' ? `: ${opNode.summary}` : '';
  const security = securityOf(set, op);
  const params = parametersOf(set, op);
  const hasBody = opNode.requestBody !== undefined;
  const call = `client.${op.method.toUpperCase()}('${op.path}'${callArguments(params, jsonBodyExample(set, op), hasBody)})`;

  const token = security.public
    ? []
    : [
        '  // 1. An access token (OAuth 2.0 client credentials) for your app, registered in the developer portal.',
        `  const tokenResponse = await fetch(\`\${baseUrl}/oauth/token\`, {`,
        "    method: 'POST',",
        "    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },",
        '    body: new URLSearchParams({',
        "      grant_type: 'client_credentials',",
        '      client_id: clientId,',
        '      client_secret: clientSecret,',
        ...(security.scopes.length > 0 ? [`      scope: '${security.scopes.join(' ')}',`] : []),
        '    }),',
        '  });',
        '  if (!tokenResponse.ok) throw new Error(`token request failed: ${tokenResponse.status}`);',
        '  const { access_token } = (await tokenResponse.json()) as { access_token: string };',
        '',
      ];
  const code = [
    `import { ${factory} } from '@concord/${entry.api.name}-v${entry.version.major}-client';`,
    '',
    `const baseUrl = '${LOCAL_BASE_URL}';`,
    ...(security.public ? [] : ["const clientId = 'app_…'; // your app's client id", "const clientSecret = 'cs_…'; // and its secret"]),
    '',
    'async function main(): Promise<void> {',
    ...token,
    security.public ? '  // 1. The client. This operation is public: no token needed.' : '  // 2. The client, sending the token on every call.',
    security.public
      ? `  const client = ${factory}({ baseUrl });`
      : `  const client = ${factory}({ baseUrl, headers: { Authorization: \`Bearer \${access_token}\` } });`,
    '',
    `  // ${security.public ? '2' : '3'}. ${operationId}${summary}`,
    `  const { data, error, response } = await ${call};`,
    '  if (error) {',
    '    console.error(response.status, error);',
    '    return;',
    '  }',
    '  console.log(data);',
    '}',
    '',
    'main().catch((err: unknown) => {',
    '  console.error(err);',
    '  process.exitCode = 1;',
    '});',
    '',
  ].join('\n');
  return { factory, operationId, method: op.method, path: op.path, scopes: security.scopes, public: security.public, code };
}
