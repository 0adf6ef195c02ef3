import createClient from 'openapi-fetch';
import type { Middleware } from 'openapi-fetch';
import type { components as PortalComponents, paths as PortalPaths } from '../../../generated/types/platform/portal.v1';
import type { components as AdminComponents, paths as AdminPaths } from '../../../generated/types/platform/admin.v1';

// Every type here comes from the contracts (generated/types/platform/*.ts): nothing is hand-written.
export type Session = PortalComponents['schemas']['Session'];
export type CatalogueApi = PortalComponents['schemas']['CatalogueApi'];
export type CatalogueVersion = PortalComponents['schemas']['CatalogueVersion'];
export type Changelog = PortalComponents['schemas']['Changelog'];
export type PortalApp = PortalComponents['schemas']['PortalApp'];
export type NewAppCredentials = PortalComponents['schemas']['NewAppCredentials'];
export type RegisterAppRequest = PortalComponents['schemas']['RegisterAppRequest'];
export type AppUsage = PortalComponents['schemas']['AppUsage'];
export type Problem = PortalComponents['schemas']['Problem'];
export type AdminApp = AdminComponents['schemas']['App'];
export type Partner = AdminComponents['schemas']['Partner'];
export type OpsSummary = AdminComponents['schemas']['OpsSummary'];
export type SyncException = AdminComponents['schemas']['SyncException'];
export type DeadLetter = AdminComponents['schemas']['DeadLetter'];
export type PartnerScope = NonNullable<RegisterAppRequest['scopes']>[number];

/** The partner scopes an app may ask for: the contract's enum, in its order. */
export const PARTNER_SCOPES: readonly PartnerScope[] = [
  'orders:read',
  'orders:write',
  'returns:read',
  'returns:write',
  'availability:read',
  'availability:write',
] satisfies readonly PartnerScope[];

/** The session's CSRF token, held in memory only; set on sign-in and on every session fetch. */
let csrfToken: string | undefined;
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}
/** The header the portal contract declares on its unsafe operations. */
export function csrf(): { 'X-CSRF-Token': string } {
  return { 'X-CSRF-Token': csrfToken ?? '' };
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Called when any portal or admin call answers 401: the session has ended. */
let onSignedOut: () => void = () => {};
export function onSessionLost(listener: () => void): void {
  onSignedOut = listener;
}

const sessionMiddleware: Middleware = {
  onRequest({ request }) {
    // The admin contract does not list the header (its callers may also be OAuth clients); a session needs it on
    // every unsafe method, so it is added here for both APIs.
    if (UNSAFE.has(request.method) && csrfToken && !request.headers.has('X-CSRF-Token')) request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
  onResponse({ request, response }) {
    const url = new URL(request.url);
    const signingIn = url.pathname === '/portal/v1/login' || url.pathname === '/portal/v1/signup' || url.pathname === '/portal/v1/session';
    if (response.status === 401 && !signingIn) onSignedOut();
    return response;
  },
};

/** The portal API (contracts/openapi/platform/portal.v1.yaml), with the session cookie. */
export const portal = createClient<PortalPaths>({ baseUrl: '/', credentials: 'same-origin' });
/** The admin API (contracts/openapi/platform/admin.v1.yaml), for internal admins' sessions. */
export const admin = createClient<AdminPaths>({ baseUrl: '/', credentials: 'same-origin' });
portal.use(sessionMiddleware);
admin.use(sessionMiddleware);

/** What went wrong, for people: the problem's detail (or title), its field errors, status and correlation id. */
export interface ShownProblem {
  status: number;
  title: string;
  detail?: string;
  errors?: Array<{ pointer: string; message: string }>;
  correlationId?: string;
}

export function toProblem(error: unknown, response?: Response): ShownProblem {
  const status = response?.status ?? 0;
  const correlationId = response?.headers.get('X-Correlation-ID') ?? undefined;
  if (error && typeof error === 'object' && 'title' in error) {
    const p = error as Problem;
    return {
      status: p.status ?? status,
      title: p.title,
      ...(p.detail ? { detail: p.detail } : {}),
      ...(Array.isArray(p.errors) && p.errors.length > 0 ? { errors: p.errors } : {}),
      ...(p.correlationId || correlationId ? { correlationId: p.correlationId ?? correlationId } : {}),
    };
  }
  if (error instanceof Error) return { status, title: 'The request failed', detail: error.message };
  return { status, title: status ? `HTTP ${status}` : 'The request failed', ...(typeof error === 'string' && error ? { detail: error } : {}) };
}

/** Unwraps an openapi-fetch result: the data, or a thrown ShownProblem. */
export async function call<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await request;
  } catch (err) {
    throw toProblem(err);
  }
  if (result.error !== undefined || !result.response.ok) throw toProblem(result.error, result.response);
  return result.data as T;
}

export function isShownProblem(value: unknown): value is ShownProblem {
  return !!value && typeof value === 'object' && 'status' in value && 'title' in value;
}
