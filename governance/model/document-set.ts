import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { getAtPointer, joinPointer } from '../../codegen/contracts/json-pointer';
import { forEachRef } from '../../codegen/contracts/refs';
import type { JsonObject } from '../../codegen/contracts/types';
import { isObject } from '../../codegen/contracts/types';
import { parseJson } from './json-text';

/**
 * The largest file read unless --max-file-size says otherwise: big enough for GitHub's and Stripe's descriptions,
 * small enough that a pasted dump cannot stall a review (YAML aliases are capped separately).
 */
export const DEFAULT_MAX_FILE_MB = 16;
const DEFAULT_MAX_BYTES = DEFAULT_MAX_FILE_MB * 1024 * 1024;

/** Input a governance command cannot work with: a missing file, bad YAML, an unknown git ref. Exit status 2. */
export class GovernanceInputError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'GovernanceInputError';
  }
}

/** One parsed file and the name it is shown under (repo-relative where possible). */
export interface LoadedFile {
  abs: string;
  name: string;
  doc: JsonObject;
  text: string;
  /** Pointer to line, built on first use: most files never need it. */
  lines?: (pointer: string) => number;
}

/**
 * A contract and every file it reaches through `$ref`, loaded up front so that resolving is synchronous.
 * A node is always addressed with the file it sits in, because relative `$ref`s depend on it.
 */
export interface DocumentSet {
  entry: LoadedFile;
  files: ReadonlyMap<string, LoadedFile>;
}

/** A place in a document set: the value, the file holding it and its pointer there. */
export interface Located {
  node: unknown;
  abs: string;
  pointer: string;
}

export async function loadFile(abs: string, name: (abs: string) => string, maxBytes = DEFAULT_MAX_BYTES): Promise<LoadedFile> {
  let size: number;
  try {
    size = (await stat(abs)).size;
  } catch {
    throw new GovernanceInputError(`${name(abs)}: no such file`);
  }
  if (size > maxBytes) throw new GovernanceInputError(`${name(abs)}: larger than ${maxBytes} bytes (raise --max-file-size)`);
  const text = await readFile(abs, 'utf8');
  // JSON parses a hundred times faster natively than as YAML; a large description is nearly always JSON.
  const json = parseJson(text);
  if (json !== undefined) {
    if (!isObject(json)) throw new GovernanceInputError(`${name(abs)}: the document is not a mapping`);
    return { abs, name: name(abs), doc: json, text };
  }
  const parsed = parseDocument(text, { merge: false, uniqueKeys: true });
  if (parsed.errors.length > 0) throw new GovernanceInputError(`${name(abs)}: not valid YAML or JSON: ${parsed.errors[0]?.message ?? ''}`);
  const doc: unknown = parsed.toJS({ maxAliasCount: 1000 });
  if (!isObject(doc)) throw new GovernanceInputError(`${name(abs)}: the document is not a mapping`);
  return { abs, name: name(abs), doc, text };
}

/** Parsed files by absolute path, shared by the document sets of one tree so each file is parsed once. */
export type FileCache = Map<string, Promise<LoadedFile>>;

/** A file parsed at most once per cache. */
export function loadCached(cache: FileCache, abs: string, name: (abs: string) => string, maxBytes = DEFAULT_MAX_BYTES): Promise<LoadedFile> {
  let loading = cache.get(abs);
  if (!loading) {
    loading = loadFile(abs, name, maxBytes);
    cache.set(abs, loading);
  }
  return loading;
}

/** Loads `entryAbs` and, transitively, every file its `$ref`s name. */
export async function loadDocumentSet(entryAbs: string, name: (abs: string) => string, cache: FileCache = new Map(), maxBytes = DEFAULT_MAX_BYTES): Promise<DocumentSet> {
  const files = new Map<string, LoadedFile>();
  const pending = [resolve(entryAbs)];
  while (pending.length > 0) {
    const abs = pending.pop() as string;
    if (files.has(abs)) continue;
    const file = await loadCached(cache, abs, name, maxBytes);
    files.set(abs, file);
    forEachRef(file.doc, '', (ref) => {
      const filePart = ref.split('#')[0] ?? '';
      if (filePart === '') return;
      if (/^[a-z]+:/i.test(filePart)) throw new GovernanceInputError(`${file.name}: remote $ref '${ref}' is not allowed`);
      const target = resolve(dirname(abs), filePart);
      if (!files.has(target)) pending.push(target);
    });
  }
  return { entry: files.get(resolve(entryAbs)) as LoadedFile, files };
}

export function root(set: DocumentSet): Located {
  return { node: set.entry.doc, abs: set.entry.abs, pointer: '' };
}

export function child(at: Located, ...tokens: Array<string | number>): Located {
  let node = at.node;
  for (const t of tokens) node = isObject(node) || Array.isArray(node) ? (node as Record<string, unknown>)[t] : undefined;
  return { node, abs: at.abs, pointer: joinPointer(at.pointer, ...tokens) };
}

/** Follows a chain of `$ref`s to the value it names. Returns `at` unchanged when it is not a reference. */
export function deref(set: DocumentSet, at: Located): Located {
  let current = at;
  for (let hops = 0; isObject(current.node) && typeof current.node.$ref === 'string'; hops++) {
    if (hops > 32) throw new GovernanceInputError(`${nameOf(set, current.abs)}#${current.pointer}: $ref chain too long or circular`);
    const ref = current.node.$ref;
    const hash = ref.indexOf('#');
    const filePart = hash === -1 ? ref : ref.slice(0, hash);
    const pointer = hash === -1 ? '' : decodeURIComponent(ref.slice(hash + 1));
    const abs = filePart === '' ? current.abs : resolve(dirname(current.abs), filePart);
    const file = set.files.get(abs);
    const node = file ? getAtPointer(file.doc, pointer) : undefined;
    if (node === undefined) throw new GovernanceInputError(`${nameOf(set, current.abs)}#${current.pointer}: $ref '${ref}' cannot be resolved`);
    current = { node, abs, pointer };
  }
  return current;
}

export function nameOf(set: DocumentSet, abs: string): string {
  return set.files.get(abs)?.name ?? abs;
}

export const asObject = (v: unknown): JsonObject => (isObject(v) ? v : {});
