import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../platform/testing/temp-dir';
import { API_KEY_ID_PATTERN, CLIENT_ID_PATTERN, newClientId, newPartnerId, PARTNER_ID_PATTERN, PLAN_NAME_PATTERN, randomAlphanumeric } from './ids';

type Schemas = { components: { schemas: Record<string, { pattern?: string }> } };
const load = async (file: string) => parse(await readFile(join(REPO_ROOT, 'contracts/openapi', file), 'utf8')) as Schemas;

describe('ids', () => {
  it('use the patterns of the contracts', async () => {
    const admin = await load('platform/admin.v1.yaml');
    const common = await load('common/schemas.yaml');
    expect(CLIENT_ID_PATTERN.source).toBe(admin.components.schemas.ClientId?.pattern);
    expect(API_KEY_ID_PATTERN.source).toBe(admin.components.schemas.ApiKeyId?.pattern);
    expect(PLAN_NAME_PATTERN.source).toBe(admin.components.schemas.PlanName?.pattern);
    expect(PARTNER_ID_PATTERN.source).toBe(common.components.schemas.PartnerId?.pattern);
  });

  it('generates ids those patterns accept', async () => {
    expect(await newClientId()).toMatch(CLIENT_ID_PATTERN);
    expect(await newPartnerId()).toMatch(PARTNER_ID_PATTERN);
    const s = await randomAlphanumeric(2000);
    expect(s).toMatch(/^[0-9A-Za-z]{2000}$/);
    // Every character of the alphabet turns up: no truncated alphabet.
    expect(new Set(s).size).toBe(62);
  });

  it('the bootstrap ids fit the patterns', () => {
    expect('app_admin').toMatch(CLIENT_ID_PATTERN);
    expect('app_sandbox').toMatch(CLIENT_ID_PATTERN);
    expect('prt_sandbox').toMatch(PARTNER_ID_PATTERN);
  });
});
