/**
 * The sign-up password rule the server enforces: `SignUpRequest.password` in contracts/openapi/platform/portal.v1.yaml
 * (portal/server/password-rule.test.ts holds the two equal). The form checks it itself, so a short password gets
 * the portal's own message rather than only the browser's form check.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;

/** What is wrong with `password` for sign-up, or undefined when the server would accept its length. */
export function passwordProblem(password: string): string | undefined {
  const missing = PASSWORD_MIN_LENGTH - password.length;
  if (missing > 0) return `Use at least ${PASSWORD_MIN_LENGTH} characters: ${missing} more needed.`;
  if (password.length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  return undefined;
}
