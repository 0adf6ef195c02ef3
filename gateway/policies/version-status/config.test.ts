import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { routes } from '../../../generated/routes';
import { REPO_ROOT } from '../../../platform/testing/temp-dir';
import { DEFAULT_DEPRECATED_AT, VersionStatusConfigError, parseVersionStatusConfig } from './config';

describe('the version-status config', () => {
  it('defaults to the built-in deprecation dates and merges configured ones over them', () => {
    expect(parseVersionStatusConfig()).toEqual({ deprecatedAt: DEFAULT_DEPRECATED_AT });
    const input = { deprecatedAt: { 'contracts/openapi/process/returns.v1.yaml': '2027-01-31T09:00:00Z' } };
    expect(parseVersionStatusConfig(input).deprecatedAt).toEqual({ ...DEFAULT_DEPRECATED_AT, ...input.deprecatedAt });
    expect(input).toEqual({ deprecatedAt: { 'contracts/openapi/process/returns.v1.yaml': '2027-01-31T09:00:00Z' } });
  });

  it('names every bad field at once', () => {
    const attempt = () =>
      parseVersionStatusConfig({ deprecatedAt: { 'orders.v1': '2026-11-23', 'contracts/openapi/process/returns.v1.yaml': 'soon' }, surprise: 1 });
    expect(attempt).toThrow(VersionStatusConfigError);
    expect(attempt).toThrow(/surprise is not a known field/);
    expect(attempt).toThrow(/"orders\.v1" is not a contract path/);
    expect(attempt).toThrow(/deprecatedAt\.contracts\/openapi\/process\/returns\.v1\.yaml must be an RFC 3339 date/);
  });

  it('refuses an impossible calendar date', () => {
    expect(() => parseVersionStatusConfig({ deprecatedAt: { 'contracts/openapi/process/returns.v1.yaml': '2027-02-30' } })).toThrow(
      /\(2027-02-30\) is not a valid date/,
    );
  });

  it('agrees with x-concord-deprecated-at in every deprecated contract', async () => {
    const contracts = [...new Set(routes.filter((r) => r.deprecated).map((r) => r.contract))];
    expect(contracts.length).toBeGreaterThan(0);
    for (const contract of contracts) {
      const doc = parse(await readFile(join(REPO_ROOT, contract), 'utf8')) as Record<string, unknown>;
      expect({ contract, date: DEFAULT_DEPRECATED_AT[contract] }).toEqual({ contract, date: doc['x-concord-deprecated-at'] });
    }
  });
});
