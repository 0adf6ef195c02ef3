import type { RegistryError, RegistryErrorCode } from '../apps/errors';
import type { components } from '../../generated/types/platform/admin.v1';
import { problem } from '../../platform/server/problem';

type Problem = components['schemas']['Problem'];

/** The statuses a registry failure can become; each admin operation declares a subset of them. */
export type RegistryProblemStatus = 400 | 404 | 409;

/** Where the failing input came from: body pointers stay as they are, query ones get the contract's `#/query/` form. */
export type InputLocation = 'body' | 'query';

const KIND: Record<RegistryErrorCode, { status: RegistryProblemStatus; kind: string; title: string }> = {
  invalid: { status: 400, kind: 'validation', title: 'Request validation failed' },
  'unknown-plan': { status: 400, kind: 'validation', title: 'Request validation failed' },
  'unknown-partner': { status: 400, kind: 'validation', title: 'Request validation failed' },
  'unknown-scope': { status: 400, kind: 'validation', title: 'Request validation failed' },
  'internal-scope-for-partner': { status: 400, kind: 'validation', title: 'Request validation failed' },
  'not-found': { status: 404, kind: 'not-found', title: 'Not found' },
  conflict: { status: 409, kind: 'conflict', title: 'Conflict' },
};

export const statusOfRegistryError = (code: RegistryErrorCode): RegistryProblemStatus => KIND[code].status;

/**
 * A registry pointer (`/scopes/2`, `/cursor`) as the Problem's `errors[].pointer`: the contract documents body
 * pointers as plain JSON pointers and parameter pointers as `#/query/<name>`, as the request validator writes them.
 */
export function toPointer(pointer: string | undefined, from: InputLocation): string {
  if (pointer === undefined || pointer === '') return '/';
  return from === 'query' ? `#/query${pointer}` : pointer;
}

/** RFC 9457 body for a RegistryError: 400 `validation` with errors[], 404 `not-found` or 409 `conflict`. */
export function registryProblem(err: RegistryError, correlationId: string, from: InputLocation = 'body'): Problem {
  const { status, kind, title } = KIND[err.code];
  return problem(kind, status, title, {
    detail: err.message,
    correlationId,
    ...(status === 400 ? { errors: [{ pointer: toPointer(err.pointer, from), message: err.message }] } : {}),
  });
}

/** For getters, which return undefined rather than throw. */
export function notFoundProblem(detail: string, correlationId: string): { status: 404; body: Problem } {
  return { status: 404, body: problem('not-found', 404, 'Not found', { detail, correlationId }) };
}
