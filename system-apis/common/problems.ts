import type { CallerContext } from '../../platform/http/handler-types';
import { problem } from '../../platform/server/problem';

/** One offending input location, as the contracts' Problem `errors[]` lists them. */
export interface FieldError {
  pointer: string;
  message: string;
}

/** The 422 kinds the system contracts declare. */
export type UnprocessableKind = 'validation' | 'unknown-sku' | 'unknown-location' | 'tender-mismatch' | 'invalid-pickup-store';

const TITLES: Record<UnprocessableKind, string> = {
  validation: 'Request validation failed',
  'unknown-sku': 'Unknown SKU',
  'unknown-location': 'Unknown location',
  'tender-mismatch': 'Amounts do not add up',
  'invalid-pickup-store': 'Not a pickup store',
};

const withErrors = (errors: readonly FieldError[] | undefined) => (errors && errors.length > 0 ? { errors: errors.slice(0, 100) } : {});

export const notFound = (caller: CallerContext, detail: string) => ({
  status: 404 as const,
  body: problem('not-found', 404, 'Not found', { detail, correlationId: caller.correlationId }),
});

export const conflict = (caller: CallerContext, detail: string) => ({
  status: 409 as const,
  body: problem('conflict', 409, 'Conflict with the resource state', { detail, correlationId: caller.correlationId }),
});

export const unprocessable = (caller: CallerContext, kind: UnprocessableKind, detail: string, errors?: readonly FieldError[]) => ({
  status: 422 as const,
  body: problem(kind, 422, TITLES[kind], { detail, correlationId: caller.correlationId, ...withErrors(errors) }),
});

/** 400 for query input only the handler can judge (a cursor this API never issued). */
export const badQuery = (caller: CallerContext, name: string, message: string) => ({
  status: 400 as const,
  body: problem('validation', 400, 'Request validation failed', {
    detail: `${name}: ${message}`,
    correlationId: caller.correlationId,
    errors: [{ pointer: `#/query/${name}`, message }],
  }),
});
