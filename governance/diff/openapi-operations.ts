import { isObject } from '../../codegen/contracts/types';
import type { JsonObject } from '../../codegen/contracts/types';
import type { DocumentSet, Located } from '../model/document-set';
import { asObject, child, deref, root } from '../model/document-set';
import type { Deprecation } from './deprecation';
import { deprecationOf } from './deprecation';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface OperationView {
  /** Method and path template with parameter names blanked: renaming `{id}` to `{orderId}` is the same operation. */
  key: string;
  pathKey: string;
  method: string;
  path: string;
  label: string;
  at: Located;
  node: JsonObject;
  deprecation: Deprecation;
  parameters: Map<string, Located>;
  scopes: Map<string, Set<string>>;
}

/**
 * Every operation of an OpenAPI document, keyed so that base and revision line up. When the two files are
 * different majors, `/v1/` and `/v2/` are blanked as well so that v1's operations meet their v2 successors.
 */
export function operationsOf(set: DocumentSet, ignoreVersionSegment: boolean): Map<string, OperationView> {
  const doc = set.entry.doc;
  const ops = new Map<string, OperationView>();
  const paths = child(root(set), 'paths');
  if (!isObject(paths.node)) return ops;
  for (const path of Object.keys(paths.node)) {
    const pathItem = deref(set, child(paths, path));
    const pathKey = normalizePath(path, ignoreVersionSegment);
    for (const method of METHODS) {
      const at = child(pathItem, method);
      if (!isObject(at.node)) continue;
      const node = at.node;
      const id = typeof node.operationId === 'string' ? ` (${node.operationId})` : '';
      ops.set(`${method.toUpperCase()} ${pathKey}`, {
        key: `${method.toUpperCase()} ${pathKey}`,
        pathKey,
        method: method.toUpperCase(),
        path,
        label: `${method.toUpperCase()} ${path}${id}`,
        at,
        node,
        deprecation: deprecationOf(node, doc),
        parameters: parametersOf(set, path, pathItem, at),
        scopes: scopesOf(node.security ?? doc.security),
      });
    }
  }
  return ops;
}

export function normalizePath(path: string, ignoreVersionSegment: boolean): string {
  const blanked = path.replace(/\{[^}]*\}/g, '{}');
  return ignoreVersionSegment ? blanked.replace(/\/v\d+(?=\/|$)/g, '/v*') : blanked;
}

/** Path and operation parameters merged (the operation's win), keyed by where they sit; path ones by position. */
function parametersOf(set: DocumentSet, path: string, pathItem: Located, op: Located): Map<string, Located> {
  const placeholders = [...path.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]);
  const params = new Map<string, Located>();
  for (const owner of [pathItem, op]) {
    const list = child(owner, 'parameters');
    if (!Array.isArray(list.node)) continue;
    list.node.forEach((_, i) => {
      const p = deref(set, child(list, i));
      const node = asObject(p.node);
      const name = String(node.name ?? '');
      const where = String(node.in ?? '');
      const key = where === 'path' ? `path #${placeholders.indexOf(name) + 1}` : where === 'header' ? `header ${name.toLowerCase()}` : `${where} ${name}`;
      params.set(key, p);
    });
  }
  return params;
}

/** Scopes per security scheme across the alternatives: what a caller's token must be able to carry. */
function scopesOf(security: unknown): Map<string, Set<string>> {
  const scopes = new Map<string, Set<string>>();
  if (!Array.isArray(security)) return scopes;
  for (const requirement of security) {
    if (!isObject(requirement)) continue;
    for (const [scheme, list] of Object.entries(requirement)) {
      const set = scopes.get(scheme) ?? new Set<string>();
      if (Array.isArray(list)) for (const s of list) set.add(String(s));
      scopes.set(scheme, set);
    }
  }
  return scopes;
}
