/** Where a finding is: a repo-relative file, a JSON pointer into it, the operation it concerns and, when known, its line. */
export interface FindingLocation {
  file: string;
  pointer: string;
  /** `POST /v2/orders (createOrder)` for OpenAPI, `send orders.created` for AsyncAPI; absent for file-level findings. */
  operation?: string;
  /** 1-based line in `file`, when it could be mapped. */
  line?: number;
}

/** The three levels every governance command speaks: errors fail the check, warnings ask for a look, info is the changelog. */
export type Level = 'error' | 'warning' | 'info';

export const LEVELS: readonly Level[] = ['error', 'warning', 'info'];
