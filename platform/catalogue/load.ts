import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Document, Node } from 'yaml';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, visit } from 'yaml';
import schema from './concord.schema.json';
import type { UpstreamInput } from './defaults';
import { withDefaults } from './defaults';
import { InterpolationError, interpolate, isWholeReference } from './interpolate';
import type { Catalogue, ContractSource, SystemName, UpstreamConfig } from './types';
import { BUILT_IN_SERVICES, DEFAULT_CATALOGUE } from './types';

/** The catalogue's file name at the project root; `CONCORD_CONFIG` names another path. */
export const CATALOGUE_FILE = 'concord.yaml';
/** Larger is refused before parsing: a catalogue is a page of YAML, not a data set. */
const MAX_BYTES = 1024 * 1024;
const SYSTEMS: readonly SystemName[] = ['erp', 'wms', 'pos'];
/** Built-in services, the roles' names (their breakers share the namespace) and `sandbox` (a system's default). */
const RESERVED_NAMES = new Set<string>([...BUILT_IN_SERVICES, 'process', 'system', 'sandbox']);

export interface CatalogueProblem {
  file: string;
  /** 1-based; absent when the problem is the file itself (missing, too large). */
  line?: number;
  /** Dotted path of the field, e.g. `upstreams.erp.timeoutMs`. */
  field?: string;
  message: string;
}

/** The catalogue file is invalid: every problem found, each with its file, line and field. Concord does not start. */
export class CatalogueError extends Error {
  override name = 'CatalogueError';
  constructor(readonly problems: CatalogueProblem[]) {
    super(
      `the upstream catalogue is invalid:\n${problems
        .map((p) => `  ${p.file}${p.line ? `:${p.line}` : ''}: ${p.field ? `${p.field}: ` : ''}${p.message}`)
        .join('\n')}`,
    );
  }
}

// Compiled once, on the first catalogue read (start-up or `concord config check`), never per request.
let validator: ValidateFunction | undefined;
const validate = (value: unknown): ValidateFunction => {
  validator ??= new Ajv({ allErrors: true, strict: false }).compile(schema);
  validator(value);
  return validator;
};

/** Where the catalogue is read from: `CONCORD_CONFIG` (relative to the working directory), else `<root>/concord.yaml`. */
export function cataloguePath(root: string, env: NodeJS.ProcessEnv): { path: string; explicit: boolean } {
  const named = env.CONCORD_CONFIG?.trim();
  return named ? { path: resolve(named), explicit: true } : { path: join(root, CATALOGUE_FILE), explicit: false };
}

/**
 * Reads, interpolates, validates and defaults the catalogue. No file at the default path gives DEFAULT_CATALOGUE
 * (today's behaviour); a `CONCORD_CONFIG` naming a missing file is an error. Synchronous: it runs once, at start.
 */
export function loadCatalogue(root: string, env: NodeJS.ProcessEnv): Catalogue {
  const { path, explicit } = cataloguePath(root, env);
  if (!existsSync(path)) {
    if (explicit) throw new CatalogueError([{ file: path, message: 'CONCORD_CONFIG names a file that does not exist' }]);
    return DEFAULT_CATALOGUE;
  }
  const size = statSync(path).size;
  if (size > MAX_BYTES) throw new CatalogueError([{ file: path, message: `the file is ${size} bytes; at most ${MAX_BYTES} are read` }]);
  return parseCatalogue(readFileSync(path, 'utf8'), path, env);
}

/** The same, from text already read (tests, `config check`); `file` names it in errors and anchors relative paths. */
export function parseCatalogue(text: string, file: string, env: NodeJS.ProcessEnv): Catalogue {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : lines.linePos(offset).line);
  const problems: CatalogueProblem[] = doc.errors.map((e) => ({ file, ...(lineAt(e.pos[0]) ? { line: lineAt(e.pos[0])! } : {}), message: e.message.split('\n')[0]! }));
  if (problems.length) throw new CatalogueError(problems);

  // Interpolated on the parsed nodes, so every error still knows its line.
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string') return;
      const raw = node.value;
      try {
        const value = interpolate(raw, env);
        // `timeoutMs: ${ERP_TIMEOUT}` is a number once read, as it would be written literally.
        node.value = node.type === 'PLAIN' && isWholeReference(raw) ? typed(value) : value;
      } catch (err) {
        if (!(err instanceof InterpolationError)) throw err;
        problems.push({ file, ...(lineAt(node.range?.[0]) ? { line: lineAt(node.range?.[0])! } : {}), message: err.message });
      }
    },
  });
  if (problems.length) throw new CatalogueError(problems);

  const value: unknown = doc.toJS() ?? {};
  const check = validate(value);
  if (check.errors?.length) throw new CatalogueError(schemaProblems(check.errors, doc, file, lineAt));

  const input = value as { upstreams?: Record<string, UpstreamInput>; systems?: Partial<Record<SystemName, string>>; contracts?: Array<{ dir: string; profile?: ContractSource['profile'] }> };
  const base = dirname(file);
  const at = (path: Array<string | number>) => lineAt(nodeAt(doc, path)?.range?.[0]);
  const problem = (path: Array<string | number>, message: string) => {
    const line = at(path);
    problems.push({ file, ...(line ? { line } : {}), field: fieldName(path), message });
  };

  const upstreams: Record<string, UpstreamConfig> = {};
  for (const [name, u] of Object.entries(input.upstreams ?? {})) {
    if (RESERVED_NAMES.has(name)) {
      problem(['upstreams', name], `'${name}' is reserved (a built-in service or role); name the upstream otherwise, e.g. '${name}-real'`);
      continue;
    }
    const config = withDefaults(name, u);
    if (config.tls) config.tls = resolveTlsFiles(config.tls, base, (key, message) => problem(['upstreams', name, 'tls', key], message));
    if (config.url.startsWith('http:') && config.tls) problem(['upstreams', name, 'tls'], 'tls is set but the url is http:; use https:');
    if (config.retries.maxBackoffMs < config.retries.backoffMs) problem(['upstreams', name, 'retries', 'maxBackoffMs'], 'must be at least backoffMs');
    upstreams[name] = config;
  }
  const systems = { ...DEFAULT_CATALOGUE.systems };
  for (const system of SYSTEMS) {
    const target = input.systems?.[system];
    if (target === undefined) continue;
    if (target !== 'sandbox' && !input.upstreams?.[target]) problem(['systems', system], `names the upstream '${target}', which upstreams does not define (or use 'sandbox')`);
    systems[system] = target;
  }
  const contracts: ContractSource[] = (input.contracts ?? []).map((c, i) => {
    const dir = isAbsolute(c.dir) ? c.dir : resolve(base, c.dir);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) problem(['contracts', i, 'dir'], `${dir} is not a directory`);
    return { dir, profile: c.profile ?? 'import' };
  });
  if (problems.length) throw new CatalogueError(problems);
  return { file, upstreams, systems, contracts };
}

function typed(value: string): string | number | boolean {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

/** TLS files are paths relative to the catalogue; checked here so a typo stops the start with its line. */
function resolveTlsFiles(tls: NonNullable<UpstreamConfig['tls']>, base: string, problem: (key: string, message: string) => void) {
  const out = { ...tls };
  for (const key of ['ca', 'cert', 'key'] as const) {
    const file = tls[key];
    if (file === undefined) continue;
    const path = isAbsolute(file) ? file : resolve(base, file);
    if (!existsSync(path)) problem(key, `${path} does not exist`);
    out[key] = path;
  }
  return out;
}

function schemaProblems(errors: ErrorObject[], doc: Document, file: string, lineAt: (offset: number | undefined) => number | undefined): CatalogueProblem[] {
  const seen = new Set<string>();
  const out: CatalogueProblem[] = [];
  for (const e of errors) {
    // `if`/`then` wrap the real finding, which ajv reports as well.
    if (e.keyword === 'if') continue;
    const path = e.instancePath
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    let message = e.message ?? 'is invalid';
    let keyLine: number | undefined;
    if (e.keyword === 'additionalProperties') {
      const extra = String((e.params as { additionalProperty: string }).additionalProperty);
      path.push(extra);
      keyLine = lineAt(keyNodeAt(doc, path)?.range?.[0]);
      message = 'is not a known field';
    } else if (e.keyword === 'required') {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      message = `${missing} is required`;
    } else if (e.keyword === 'propertyNames') {
      const name = String((e.params as { propertyName: string }).propertyName);
      path.push(name);
      keyLine = lineAt(keyNodeAt(doc, path)?.range?.[0]);
      message = 'is not a valid name (lower case letters, digits and -, starting with a letter)';
    } else if (e.keyword === 'pattern' && path.at(-1) === 'url') {
      message = 'must be an http:// or https:// URL';
    } else if (e.keyword === 'enum') {
      message = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    }
    const line = keyLine ?? lineAt(nodeAt(doc, path)?.range?.[0]);
    const key = `${line}|${path.join('.')}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ file, ...(line ? { line } : {}), ...(path.length ? { field: fieldName(path) } : {}), message });
  }
  return out;
}

const fieldName = (path: Array<string | number>) =>
  path.reduce<string>((acc, seg) => (typeof seg === 'number' || /^\d+$/.test(String(seg)) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : String(seg)), '');

function nodeAt(doc: Document, path: Array<string | number>): Node | undefined {
  let node: unknown = doc.contents;
  for (const seg of path) {
    if (isMap(node)) node = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg))?.value ?? keyOf(node, seg);
    else if (isSeq(node)) node = node.items[Number(seg)];
    else return node as Node | undefined;
  }
  return (node ?? undefined) as Node | undefined;
}

function keyOf(map: { items: Array<{ key: unknown }> }, seg: string | number): Node | undefined {
  return map.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg))?.key as Node | undefined;
}

function keyNodeAt(doc: Document, path: Array<string | number>): Node | undefined {
  const parent = nodeAt(doc, path.slice(0, -1));
  return isMap(parent) ? keyOf(parent, path.at(-1)!) : undefined;
}
