/** RFC 9457 problem details: the one error format every Concord response uses. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_BASE = 'https://concord.dev/problems/';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  correlationId?: string;
  errors?: Array<{ pointer: string; message: string }>;
}

export function problem(kind: string, status: number, title: string, extra: Partial<ProblemBody> = {}): ProblemBody {
  return { type: PROBLEM_BASE + kind, title, status, ...extra };
}
