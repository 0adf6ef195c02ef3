import { dirname, resolve } from 'node:path';
import { getAtPointer, joinPointer } from './json-pointer';
import type { ContractFile, ContractProblem, JsonObject } from './types';
import { isObject } from './types';

export interface RefTarget {
  file: ContractFile;
  pointer: string;
}

/** Resolves a `$ref` string written in `from` to the file and pointer it names. Throws with a readable reason. */
export function resolveRef(ref: string, from: ContractFile, byAbs: ReadonlyMap<string, ContractFile>): RefTarget {
  const hash = ref.indexOf('#');
  const filePart = hash === -1 ? ref : ref.slice(0, hash);
  const pointer = hash === -1 ? '' : decodeURIComponent(ref.slice(hash + 1));
  if (/^[a-z]+:/i.test(filePart)) throw new Error(`remote $ref '${ref}' is not allowed; contracts are self-contained`);
  const file = filePart === '' ? from : byAbs.get(resolve(dirname(from.abs), filePart));
  if (!file) throw new Error(`$ref '${ref}' points at a file that is not a contract under contracts/`);
  if (pointer !== '' && !pointer.startsWith('/')) throw new Error(`$ref '${ref}' has a fragment that is not a JSON pointer`);
  if (getAtPointer(file.doc, pointer) === undefined) {
    throw new Error(`$ref '${ref}' cannot be resolved: ${file.rel} has nothing at '${pointer}'`);
  }
  return { file, pointer };
}

/** Calls `visit` for every `$ref` in a document with the pointer of the object holding it. */
export function forEachRef(node: unknown, pointer: string, visit: (ref: string, at: string) => void): void {
  if (Array.isArray(node)) {
    node.forEach((child, i) => forEachRef(child, joinPointer(pointer, i), visit));
    return;
  }
  if (!isObject(node)) return;
  if (typeof node.$ref === 'string') visit(node.$ref, pointer);
  for (const [key, child] of Object.entries(node)) {
    if (key !== '$ref') forEachRef(child, joinPointer(pointer, key), visit);
  }
}

export function checkRefs(files: readonly ContractFile[], byAbs: ReadonlyMap<string, ContractFile>): ContractProblem[] {
  const problems: ContractProblem[] = [];
  for (const file of files) {
    forEachRef(file.doc, '', (ref, at) => {
      try {
        resolveRef(ref, file, byAbs);
      } catch (err) {
        problems.push({ file: file.rel, pointer: joinPointer(at, '$ref'), message: (err as Error).message });
      }
    });
  }
  return problems;
}

/** Follows `$ref` chains at the OpenAPI level (parameters, responses, headers…) to the object they name. */
export function deref(
  node: unknown,
  file: ContractFile,
  byAbs: ReadonlyMap<string, ContractFile>,
): { value: JsonObject; file: ContractFile; pointer?: string } {
  let current = node;
  let currentFile = file;
  let pointer: string | undefined;
  for (let hops = 0; isObject(current) && typeof current.$ref === 'string'; hops++) {
    if (hops > 32) throw new Error(`$ref chain starting in ${file.rel} is too long or circular`);
    const target = resolveRef(current.$ref, currentFile, byAbs);
    currentFile = target.file;
    pointer = target.pointer;
    current = getAtPointer(target.file.doc, target.pointer);
  }
  if (!isObject(current)) throw new Error(`expected an object in ${currentFile.rel}`);
  return { value: current, file: currentFile, ...(pointer !== undefined ? { pointer } : {}) };
}
