import { isObject } from './types';

/**
 * How strictly a contract is held to Concord's house rules. `concord` (the package's own contracts, and any
 * directory declared with it): every rule is an error. `import` (third-party documents): the missing
 * `x-concord-*` extensions take the defaults below and house-rule findings are warnings. See contracts/README.md,
 * "Import profile", and docs/adr/0010-contracts-without-code.md.
 */
export interface ContractProfile {
  name: 'concord' | 'import';
  /** Import profile: the `x-concord-upstream` of every operation that does not name one. */
  upstream?: string;
}

export const CONCORD_PROFILE: ContractProfile = { name: 'concord' };

/** What the import profile assumes when a third-party document is silent. */
export const IMPORT_DEFAULTS = {
  audience: 'partner',
  rateLimitCost: 1,
  /** On POST, PUT, PATCH and DELETE: a request carrying Idempotency-Key is replayed by the gateway; one without passes. */
  unsafeIdempotency: 'optional',
  /** A document without `security` accepts a Concord bearer token, with no scope required. */
  security: [{ oauth2: [] }],
} as const;

export const UNSAFE_METHODS = new Set(['post', 'put', 'patch', 'delete']);

/**
 * Rewrites the OpenAPI 3.0 Schema Object dialect into JSON Schema 2020-12 (what 3.1 and the validators speak), in
 * place: `nullable: true` becomes a `null` type (and a `null` enum value), boolean `exclusiveMinimum`/`Maximum`
 * become numbers. Only values of the expected type are touched, so a property *named* `nullable` is left alone.
 */
export function normalizeOpenApi30(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(normalizeOpenApi30);
    return;
  }
  if (!isObject(node)) return;
  if (typeof node.nullable === 'boolean') {
    if (node.nullable) {
      if (typeof node.type === 'string') node.type = [node.type, 'null'];
      else if (Array.isArray(node.type) && !node.type.includes('null')) node.type = [...(node.type as unknown[]), 'null'];
      if (Array.isArray(node.enum) && !node.enum.includes(null)) node.enum = [...(node.enum as unknown[]), null];
      // A nullable $ref or composition: null is one more alternative.
      if (node.type === undefined && (node.$ref !== undefined || node.allOf || node.oneOf || node.anyOf)) {
        const { nullable: _n, ...rest } = node;
        for (const k of Object.keys(node)) delete node[k];
        node.anyOf = [rest, { type: 'null' }];
      }
    }
    delete node.nullable;
  }
  for (const [bool, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (typeof node[bool] !== 'boolean') continue;
    if (node[bool] === true && typeof node[bound] === 'number') {
      node[bool] = node[bound];
      delete node[bound];
    } else delete node[bool];
  }
  for (const value of Object.values(node)) normalizeOpenApi30(value);
}

export const isOpenApi30 = (doc: Record<string, unknown>): boolean => typeof doc.openapi === 'string' && doc.openapi.startsWith('3.0');
