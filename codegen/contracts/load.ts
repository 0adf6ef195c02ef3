import { createHash } from 'node:crypto';
import { discoverContractFiles, discoverFilesUnder } from './discover';
import type { EventModel } from './events';
import { extractEvents } from './events';
import { SCOPE_CATALOGUE } from './extensions';
import { getAtPointer } from './json-pointer';
import type { OperationModel, SchemaSource } from './operations';
import { extractOperations } from './operations';
import type * as Parsers from './parsers';
import type { ContractProfile } from './profile';
import { readContract } from './read';
import { checkRefs } from './refs';
import { checkSchemas, componentSchemas } from './schema-check';
import type { ContractFile, ContractProblem } from './types';
import { ContractLoadError, isObject } from './types';

export interface ContractSet {
  root: string;
  files: ContractFile[];
  byAbs: ReadonlyMap<string, ContractFile>;
  /** Operations of every API document, in file then path order. */
  operations: OperationModel[];
  events: EventModel[];
  /** One digest over every contract file, embedded in generated/ so start-up can tell when it is stale. */
  digest: string;
  /** Every oauth2 scope in the catalogue (common/http.yaml); for a contract directory, those its documents declare or use. */
  scopes: ReadonlySet<string>;
  /** House-rule findings the import profile downgraded: reported, not refused. */
  warnings: ContractProblem[];
}

/** A directory of contracts outside the package, as the catalogue names it (`contracts: [{ dir, profile }]`). */
export interface ContractDirSource {
  dir: string;
  profile: ContractProfile;
}

const operationSchemas = (op: OperationModel): SchemaSource[] => [
  ...op.parameters.flatMap((p) => (p.schema ? [p.schema] : [])),
  ...Object.values(op.requestBody?.content ?? {}).filter((s): s is SchemaSource => !!s),
  ...Object.values(op.responses).flatMap((r) => Object.values(r.content).filter((s): s is SchemaSource => !!s)),
];

export interface LoadOptions {
  /**
   * `false` skips the OpenAPI/AsyncAPI parsers and the JSON Schema check (most of the load time). For readers
   * that only need the model and run their own checks (governance lints the same files with Spectral).
   */
  validate?: boolean;
}

/**
 * Loads every contract under `<root>/contracts` and checks it: YAML, `$ref`s, the OpenAPI and AsyncAPI parsers,
 * JSON Schema validity, and Concord's own rules. Throws a ContractLoadError naming each file and JSON pointer.
 */
export async function loadContracts(root: string, opts: LoadOptions = {}): Promise<ContractSet> {
  const paths = await discoverContractFiles(root);
  const read = await Promise.all(paths.map((p) => readContract(root, p)));
  return checkContracts(root, 'contracts/', read, opts, (files) => {
    const catalogueFile = files.find((f) => f.rel === SCOPE_CATALOGUE.file);
    const catalogue = catalogueFile ? getAtPointer(catalogueFile.doc, SCOPE_CATALOGUE.pointer) : undefined;
    const scopes = new Set(isObject(catalogue) ? Object.keys(catalogue) : []);
    const problems = scopes.size === 0 ? [{ file: SCOPE_CATALOGUE.file, pointer: SCOPE_CATALOGUE.pointer, message: 'the scope catalogue is missing' }] : [];
    return { scopes, problems };
  });
}

/**
 * Loads a contract directory the catalogue names, with the same checks as the package's contracts and the
 * source's profile. Scopes its documents declare in their security schemes join `knownScopes` (Concord's own).
 */
export async function loadContractDir(source: ContractDirSource, opts: LoadOptions & { knownScopes?: ReadonlySet<string> } = {}): Promise<ContractSet> {
  const paths = await discoverFilesUnder(source.dir);
  const read = await Promise.all(paths.map((p) => readContract(source.dir, p, { kind: 'dir', profile: source.profile })));
  const set = await checkContracts(source.dir, source.dir, read, opts, (files) => ({
    scopes: new Set([...(opts.knownScopes ?? []), ...files.flatMap(declaredScopes)]),
    problems: [],
  }));
  // The directory's own scopes, declared or (import profile) merely used: what start-up adds to the known ones.
  const own = new Set([...set.files.flatMap(declaredScopes), ...set.operations.flatMap((o) => o.scopes)]);
  return { ...set, scopes: own };
}

/** The oauth2 and OpenID Connect scopes a document's security schemes declare. */
function declaredScopes(file: ContractFile): string[] {
  const schemes = getAtPointer(file.doc, '/components/securitySchemes');
  if (!isObject(schemes)) return [];
  return Object.values(schemes).flatMap((scheme) =>
    isObject(scheme) && isObject(scheme.flows)
      ? Object.values(scheme.flows).flatMap((flow) => (isObject(flow) && isObject(flow.scopes) ? Object.keys(flow.scopes) : []))
      : [],
  );
}

async function checkContracts(
  root: string,
  label: string,
  read: ReadonlyArray<{ file?: ContractFile; problems: ContractProblem[] }>,
  opts: LoadOptions,
  scopeCatalogue: (files: ContractFile[]) => { scopes: ReadonlySet<string>; problems: ContractProblem[] },
): Promise<ContractSet> {
  const problems: ContractProblem[] = read.flatMap((r) => r.problems);
  const warnings: ContractProblem[] = [];
  const files = read.flatMap((r) => (r.file ? [r.file] : []));
  if (files.length === 0 && problems.length === 0) {
    throw new ContractLoadError([{ file: label, pointer: '', message: 'no contract files found' }]);
  }
  const byAbs = new Map(files.map((f) => [f.abs, f]));
  problems.push(...checkRefs(files, byAbs));
  // The parsers' messages about unresolved refs are worse than ours; stop here if refs are broken.
  if (problems.length) throw new ContractLoadError(problems);

  if (opts.validate !== false) {
    // Loaded only to validate: the parsers (and Spectral under @asyncapi/parser) take seconds to load.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { validateAsyncApi, validateOpenApi } = require('./parsers') as typeof Parsers;
    const parsed = await Promise.all(files.map((f) => (f.kind === 'openapi' ? validateOpenApi(f) : validateAsyncApi(f))));
    problems.push(...parsed.flat());
  }

  const { scopes, problems: scopeProblems } = scopeCatalogue(files);
  problems.push(...scopeProblems);

  const operations: OperationModel[] = [];
  const events: EventModel[] = [];
  const schemas: SchemaSource[] = [];
  for (const file of files) {
    schemas.push(...componentSchemas(file));
    if (file.kind === 'openapi' && file.group !== 'common') {
      const r = extractOperations(file, byAbs, scopes, file.profile);
      problems.push(...r.problems);
      warnings.push(...r.warnings);
      operations.push(...r.operations);
    } else if (file.kind === 'asyncapi') {
      const r = extractEvents(file, byAbs);
      problems.push(...r.problems);
      events.push(...r.events);
    }
  }
  schemas.push(...operations.flatMap(operationSchemas), ...events.map((e) => e.payload));
  if (opts.validate !== false) problems.push(...checkSchemas(schemas));
  problems.push(...checkRouteClashes(operations));

  if (problems.length) throw new ContractLoadError(problems);
  return { root, files, byAbs, operations, events, digest: contractsDigest(files), scopes, warnings };
}

export function contractsDigest(files: ReadonlyArray<Pick<ContractFile, 'rel' | 'sha256'>>): string {
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f.rel}\0${f.sha256}\n`);
  return hash.digest('hex');
}

/** Two documents serving the same method and path would make routing ambiguous. */
function checkRouteClashes(operations: readonly OperationModel[]): ContractProblem[] {
  const seen = new Map<string, OperationModel>();
  const problems: ContractProblem[] = [];
  for (const op of operations) {
    const key = `${op.method} ${op.path.replace(/\{[^}]+\}/g, '{}')}`;
    const other = seen.get(key);
    if (other) {
      problems.push({ file: op.file.rel, pointer: op.pointer, message: `${op.method.toUpperCase()} ${op.path} is also served by ${other.file.rel}#${other.pointer}` });
    } else seen.set(key, op);
  }
  return problems;
}
