import { stat } from 'node:fs/promises';
import { basename, dirname, relative, resolve } from 'node:path';
import { toPosix } from '../../../codegen/contracts/discover';
import { escapeToken, getAtPointer, splitPointer } from '../../../codegen/contracts/json-pointer';
import { forEachRef } from '../../../codegen/contracts/refs';
import type { JsonObject } from '../../../codegen/contracts/types';
import { isObject } from '../../../codegen/contracts/types';
import type { DocumentSet } from '../../../governance/model/document-set';
import { loadDocumentSet } from '../../../governance/model/document-set';

/** OpenAPI 3.1 `components` sections a referenced component can be hoisted into under its own name. */
const OPENAPI_SECTIONS = new Set(['schemas', 'responses', 'parameters', 'examples', 'requestBodies', 'headers', 'securitySchemes', 'links', 'callbacks', 'pathItems']);

/** The same for AsyncAPI 3. */
const ASYNCAPI_SECTIONS = new Set([
  'schemas', 'servers', 'channels', 'operations', 'messages', 'securitySchemes', 'serverVariables', 'parameters',
  'correlationIds', 'replies', 'replyAddresses', 'externalDocs', 'tags', 'operationTraits', 'messageTraits',
  'serverBindings', 'channelBindings', 'operationBindings', 'messageBindings',
]);

interface Cached {
  /** Every file the bundle was made from, with the modification time it had. */
  stamps: Array<[string, number]>;
  bundled: Promise<JsonObject>;
}

const cache = new Map<string, Cached>();

const mtimeOf = (abs: string): Promise<number> => stat(abs).then((s) => s.mtimeMs, () => -1);

async function isFresh(entry: Cached): Promise<boolean> {
  const now = await Promise.all(entry.stamps.map(([abs]) => mtimeOf(abs)));
  return entry.stamps.every(([, mtime], i) => now[i] === mtime);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * A contract as one self-contained JSON document for a browser renderer (Scalar, the AsyncAPI component):
 * every `$ref` to another file is inlined (see `bundleDocumentSet`), `$ref`s inside the document stay.
 * Cached per file until it, or a file it references, changes on disk. The result is shared and frozen.
 */
export async function bundleDocument(file: string): Promise<JsonObject> {
  const abs = resolve(file);
  const hit = cache.get(abs);
  if (hit && (await isFresh(hit))) return hit.bundled;

  const set = await loadDocumentSet(abs, (f) => toPosix(relative(dirname(abs), f)));
  const stamps = await Promise.all([...set.files.keys()].map(async (f): Promise<[string, number]> => [f, await mtimeOf(f)]));
  const bundled = Promise.resolve().then(() => deepFreeze(JSON.parse(JSON.stringify(bundleDocumentSet(set))) as JsonObject));
  const entry: Cached = { stamps, bundled };
  cache.set(abs, entry);
  bundled.catch(() => {
    if (cache.get(abs) === entry) cache.delete(abs);
  });
  return bundled;
}

/**
 * Inlines the external `$ref`s of an OpenAPI or AsyncAPI document. A `…#/components/<section>/<Name>` target,
 * for a section the document's format has, is hoisted into the document as `#/components/<section>/<Name>`
 * (suffixed `_2`, `_3`… when the name is taken), so a renderer still shows the shared `Money` or `Problem`
 * schema by its name; anything else is copied in place. Hoisted values are rewritten the same way, relative
 * to the file they came from. (swagger-parser's `bundle()` would copy each shared component into the first
 * place that uses it and point the others there, losing the names.)
 */
export function bundleDocumentSet(set: DocumentSet): JsonObject {
  const entryAbs = set.entry.abs;
  const sections = typeof set.entry.doc.asyncapi === 'string' ? ASYNCAPI_SECTIONS : OPENAPI_SECTIONS;
  const out = structuredClone(set.entry.doc);
  const components = (): JsonObject => (isObject(out.components) ? out.components : (out.components = {}));
  const hoisted = new Map<string, string>();

  const load = (abs: string, pointer: string): unknown => {
    const file = set.files.get(abs);
    const value = file ? getAtPointer(file.doc, pointer) : undefined;
    if (value === undefined) throw new Error(`${basename(abs)}#${pointer} cannot be resolved`);
    return value;
  };

  const hoist = (abs: string, pointer: string, depth: number): JsonObject | string => {
    const key = `${abs}#${pointer}`;
    const known = hoisted.get(key);
    if (known) return known;
    const tokens = splitPointer(pointer);
    const [top, section, name] = tokens;
    if (tokens.length === 3 && top === 'components' && section && name && sections.has(section)) {
      const all = components();
      const target: JsonObject = isObject(all[section]) ? all[section] : (all[section] = {});
      let local = name;
      for (let n = 2; Object.hasOwn(target, local); n++) local = `${name}_${n}`;
      const ref = `#/components/${section}/${escapeToken(local)}`;
      hoisted.set(key, ref);
      target[local] = null; // reserve the name while the copy's own references are hoisted
      target[local] = rewrite(structuredClone(load(abs, pointer)), abs, 0);
      return ref;
    }
    if (depth > 32) throw new Error(`${basename(abs)}#${pointer}: references nest too deep to inline`);
    const copy = rewrite(structuredClone(load(abs, pointer)), abs, depth + 1);
    if (!isObject(copy)) throw new Error(`${basename(abs)}#${pointer}: only objects can be inlined`);
    return copy;
  };

  /** Rewrites, in place, the `$ref`s of `node` (which sits in file `abs`) so they resolve inside `out`. */
  function rewrite<T>(node: T, abs: string, depth: number): T {
    const replacements: Array<{ holder: JsonObject; ref: string }> = [];
    forEachRef(node, '', (ref, at) => {
      const holder = getAtPointer(node, at) as JsonObject;
      replacements.push({ holder, ref });
    });
    for (const { holder, ref } of replacements) {
      const hash = ref.indexOf('#');
      const filePart = hash === -1 ? ref : ref.slice(0, hash);
      const pointer = hash === -1 ? '' : decodeURIComponent(ref.slice(hash + 1));
      const target = filePart === '' ? abs : resolve(dirname(abs), filePart);
      if (target === entryAbs) {
        holder.$ref = `#${hash === -1 ? '' : ref.slice(hash + 1)}`;
        continue;
      }
      const replacement = hoist(target, pointer, depth);
      if (typeof replacement === 'string') holder.$ref = replacement;
      else {
        delete holder.$ref;
        Object.assign(holder, replacement);
      }
    }
    return node;
  }

  // The document's own components first, so they keep their names.
  if (out.components !== undefined) rewrite(out.components, entryAbs, 0);
  for (const [key, value] of Object.entries(out)) if (key !== 'components') rewrite(value, entryAbs, 0);
  return out;
}
