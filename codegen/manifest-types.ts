/**
 * The shape of the generated route manifest (`generated/routes.ts`). This is codegen's own output format, not a
 * contract type: the gateway builds its routing table and policy chain from these entries at start-up.
 */
import type { ErrorObject } from 'ajv';

/** A validator compiled by `concord generate` (ajv standalone code). */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

export interface ManifestParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  style?: string;
  explode?: boolean;
}

export interface RouteManifestEntry {
  api: string;
  version: number;
  group: 'process' | 'system' | 'platform';
  contract: string;
  method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'OPTIONS' | 'HEAD' | 'PATCH' | 'TRACE';
  /** OpenAPI path template, e.g. `/v1/orders/{orderId}`. */
  path: string;
  operationId: string;
  summary: string;
  scopes: readonly string[];
  apiKey: boolean;
  /** An OAuth bearer token is accepted. */
  bearer: boolean;
  /** A developer-portal session cookie is accepted (unsafe methods also need its CSRF token). */
  session: boolean;
  public: boolean;
  upstream: string;
  audience: 'partner' | 'internal';
  idempotency: 'required' | 'optional' | 'none';
  rateLimitCost: number;
  deprecated: boolean;
  /** `x-concord-deprecated-at`: the date the Deprecation header states (else the version-status config's). */
  deprecatedAt?: string;
  sunset?: string;
  parameters: readonly ManifestParameter[];
  requestBody?: { required: boolean; contentTypes: readonly string[] };
  responses: Readonly<Record<string, { contentTypes: readonly string[]; headers: readonly string[] }>>;
  validate: {
    /** Validates `{ path, query, headers }` with coercion and defaults. */
    params?: CompiledValidator;
    body?: Readonly<Record<string, CompiledValidator>>;
    responses?: Readonly<Record<string, Readonly<Record<string, CompiledValidator>>>>;
  };
}

export interface EventCatalogueEntry {
  type: string;
  subject: string;
  message: string;
  senders: readonly string[];
  receivers: readonly string[];
  validate: CompiledValidator;
}
