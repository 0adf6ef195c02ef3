import { isObject } from '../../codegen/contracts/types';
import type { JsonObject } from '../../codegen/contracts/types';
import type { DocumentSet, Located } from '../model/document-set';
import { asObject, child, deref, root } from '../model/document-set';
import type { Deprecation } from './deprecation';
import { deprecationOf } from './deprecation';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface OperationView {
  /** A path's operation, a webhook's, or a callback's of some operation. */
  kind: 'path' | 'webhook' | 'callback';
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
  const ops = new Map<string, OperationView>();
  const paths = child(root(set), 'paths');
  if (isObject(paths.node)) {
    for (const path of Object.keys(paths.node)) {
      addPathItem(set, ops, deref(set, child(paths, path)), path, normalizePath(path, ignoreVersionSegment), 'path', '');
    }
  }
  // Webhooks (OpenAPI 3.1) are keyed by name; their operations are judged like any other, as oasdiff does.
  const webhooks = child(root(set), 'webhooks');
  if (isObject(webhooks.node)) {
    for (const name of Object.keys(webhooks.node)) addPathItem(set, ops, deref(set, child(webhooks, name)), name, `webhook ${name}`, 'webhook', 'WEBHOOK ');
  }
  // Callbacks hang off an operation: keyed by it, the callback's name and its runtime expression.
  for (const op of [...ops.values()]) {
    const callbacks = child(op.at, 'callbacks');
    if (!isObject(callbacks.node)) continue;
    for (const name of Object.keys(callbacks.node)) {
      const cb = deref(set, child(callbacks, name));
      if (!isObject(cb.node)) continue;
      for (const expression of Object.keys(cb.node)) {
        addPathItem(set, ops, deref(set, child(cb, expression)), expression, `${op.key} callback ${name}`, 'callback', `${op.key} callback ${name} `);
      }
    }
  }
  return ops;
}

function addPathItem(set: DocumentSet, ops: Map<string, OperationView>, pathItem: Located, path: string, pathKey: string, kind: OperationView['kind'], prefix: string): void {
  const doc = set.entry.doc;
  for (const method of METHODS) {
    const at = child(pathItem, method);
    if (!isObject(at.node)) continue;
    const node = at.node;
    const id = typeof node.operationId === 'string' ? ` (${node.operationId})` : '';
    const key = `${prefix}${method.toUpperCase()} ${pathKey}`;
    ops.set(key, {
      kind,
      key,
      pathKey,
      method: method.toUpperCase(),
      path,
      label: `${prefix}${method.toUpperCase()} ${path}${id}`,
      at,
      node,
      deprecation: deprecationOf(node, doc),
      parameters: parametersOf(set, path, pathItem, at),
      scopes: scopesOf(node.security ?? doc.security),
    });
  }
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
