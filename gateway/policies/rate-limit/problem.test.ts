import { rateLimitedProblem } from './problem';

describe('429 problem+json', () => {
  test('is an RFC 9457 problem with the stable type, the plan, the wait and the correlation id', () => {
    const problem = rateLimitedProblem(
      { allowed: false, limit: 20, remaining: 0, resetSeconds: 2, retryAfterSeconds: 2, policy: 'sandbox' },
      'corr-123',
    );
    expect(problem).toEqual({
      type: 'https://concord.dev/problems/rate-limited',
      title: 'Rate limit exceeded',
      status: 429,
      detail: "The 'sandbox' plan allows 20 points per window and this app has used them. Retry after 2 seconds.",
      correlationId: 'corr-123',
    });
  });

  test('says "1 second" and never less', () => {
    const problem = rateLimitedProblem({ allowed: false, limit: 20, remaining: 0, resetSeconds: 0, policy: 'sandbox' }, 'c');
    expect(problem.detail).toMatch(/Retry after 1 second\.$/);
  });
});
