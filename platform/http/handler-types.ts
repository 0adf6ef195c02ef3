/**
 * Generic request and response shapes for the generated handler interfaces. Given an openapi-typescript
 * `operations[...]` entry, they give a handler its typed path, query, headers and body, and constrain what it
 * may return to the statuses and bodies the contract declares.
 */

import type { Queryable } from '../db/database';

// openapi-typescript declares `query?:`, `header?:` and `path?:`, optional or `never`; both must be handled.
type ParamsOf<Op, Where extends string> = Op extends { parameters: infer P }
  ? Where extends keyof P
    ? [NonNullable<P[Where]>] extends [never]
      ? Record<string, never>
      : NonNullable<P[Where]>
    : Record<string, never>
  : Record<string, never>;

type JsonContent<C> = C extends { content: infer M }
  ? M extends { 'application/json': infer B }
    ? B
    : M extends { 'application/problem+json': infer B }
      ? B
      : M extends { 'application/cloudevents+json': infer B }
        ? B
        : M extends { 'application/x-www-form-urlencoded': infer B }
          ? B
          : // Binary downloads (a client tarball) are sent as the bytes they are.
            M extends { 'application/gzip': unknown }
            ? Buffer
            : undefined
  : undefined;

// A required body is `requestBody:`; an optional one `requestBody?:`, which the first test does not match.
type BodyOf<Op> = Op extends { requestBody: infer R }
  ? undefined extends R
    ? JsonContent<NonNullable<R>> | undefined
    : JsonContent<R>
  : Op extends { requestBody?: infer R }
    ? [NonNullable<R>] extends [never]
      ? undefined
      : JsonContent<NonNullable<R>> | undefined
    : undefined;

/** Who is calling, as established by the gateway. Handlers must scope data to `partnerId`. */
export interface CallerContext {
  correlationId: string;
  /** W3C traceparent for this hop, to pass on to system API calls and events. */
  traceparent?: string;
  clientId?: string;
  partnerId?: string;
  scopes: readonly string[];
  /** The client's network address, for limits on anonymous operations (sign-in attempts). */
  remoteAddress?: string;
  /** Set when the caller is a developer-portal session (the `portalSession` scheme): which session, whose. */
  portalSession?: { id: string; userId: string; csrfToken: string; expiresAt: Date };
  /**
   * Present when the request holds an Idempotency-Key claim. A handler that changes state calls `commitResponse`
   * inside its transaction with the response it is about to return, so the state change and the stored response
   * commit together and a crash between them cannot make a retry run the operation twice.
   */
  idempotency?: { commitResponse(tx: Queryable, response: { status: number; body: unknown; headers?: Readonly<Record<string, string>> }): Promise<void> };
}

export interface HandlerRequest<Op> {
  params: ParamsOf<Op, 'path'>;
  query: ParamsOf<Op, 'query'>;
  headers: ParamsOf<Op, 'header'>;
  body: BodyOf<Op>;
}

export type HandlerResult<Op> = Op extends { responses: infer R }
  ? {
      [S in keyof R]: S extends number
        ? { status: S; body: JsonContent<R[S]>; headers?: Readonly<Record<string, string>> }
        : never;
    }[keyof R]
  : never;

export type OperationHandler<Op> = (req: HandlerRequest<Op>, caller: CallerContext) => Promise<HandlerResult<Op>>;
