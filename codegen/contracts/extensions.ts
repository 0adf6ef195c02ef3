/** The `x-concord-*` extensions the gateway reads, and their allowed values. See contracts/README.md. */

/**
 * `x-concord-upstream` names a built-in service (platform/catalogue/types.ts, BUILT_IN_SERVICES) or an upstream
 * of the catalogue (`concord.yaml`). The loader checks the spelling; start-up checks the name exists.
 */
export const UPSTREAM_NAME = /^[a-z][a-z0-9-]{0,62}$/;
export type Upstream = string;

export const AUDIENCES = ['partner', 'internal'] as const;
export type Audience = (typeof AUDIENCES)[number];

export const IDEMPOTENCY_MODES = ['required', 'optional'] as const;
export type IdempotencyMode = (typeof IDEMPOTENCY_MODES)[number] | 'none';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Where the scope catalogue lives: every oauth2 scope an API uses must be declared there. */
export const SCOPE_CATALOGUE = {
  file: 'contracts/openapi/common/http.yaml',
  pointer: '/components/securitySchemes/oauth2/flows/clientCredentials/scopes',
};
