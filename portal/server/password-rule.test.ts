import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../platform/testing/temp-dir';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblem } from '../web/src/lib/password-rule';

// The sign-up form checks the password with the rule the server enforces through the contract: one rule, two places.
describe('the portal sign-up password rule', () => {
  it('is the contract’s SignUpRequest.password length', async () => {
    const contract = parse(await readFile(join(REPO_ROOT, 'contracts/openapi/platform/portal.v1.yaml'), 'utf8')) as {
      components: { schemas: { SignUpRequest: { properties: { password: { minLength: number; maxLength: number } } } } };
    };
    const password = contract.components.schemas.SignUpRequest.properties.password;
    expect({ min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH }).toEqual({ min: password.minLength, max: password.maxLength });
  });

  it('gives the portal’s own message for a password the server would refuse, and none for one it accepts', () => {
    expect(passwordProblem('')).toBe('Use at least 12 characters: 12 more needed.');
    expect(passwordProblem('a'.repeat(11))).toBe('Use at least 12 characters: 1 more needed.');
    expect(passwordProblem('a'.repeat(12))).toBeUndefined();
    expect(passwordProblem('a'.repeat(200))).toBeUndefined();
    expect(passwordProblem('a'.repeat(201))).toBe('Use at most 200 characters.');
  });
});
