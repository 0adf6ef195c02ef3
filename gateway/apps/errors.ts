/**
 * Stable codes the admin API maps to problem types: the `unknown-*`, `internal-scope-for-partner` and `invalid`
 * codes are 400 `validation` (with `pointer` naming the field), `not-found` is 404 and `conflict` is 409.
 */
export type RegistryErrorCode =
  | 'invalid'
  | 'unknown-plan'
  | 'unknown-partner'
  | 'unknown-scope'
  | 'internal-scope-for-partner'
  | 'not-found'
  | 'conflict';

export class RegistryError extends Error {
  override readonly name = 'RegistryError';

  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    /** JSON pointer into the request body or query, for the problem's `errors[]`. */
    readonly pointer?: string,
  ) {
    super(message);
  }
}

export const isRegistryError = (err: unknown, code?: RegistryErrorCode): err is RegistryError =>
  err instanceof RegistryError && (code === undefined || err.code === code);
