import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../platform/testing/temp-dir';
import { isRegistryError } from './errors';
import type { PlanOverrides } from './plans';
import { DEFAULT_PLANS, resolvePlans } from './plans';

describe('plans', () => {
  it('defaults to the plans of the admin contract example', async () => {
    const doc = parse(await readFile(join(REPO_ROOT, 'contracts/openapi/platform/admin.v1.yaml'), 'utf8')) as {
      paths: Record<string, { get: { responses: { '200': { content: { 'application/json': { example: unknown } } } } } }>;
    };
    const example = doc.paths['/admin/v1/plans']?.get.responses['200'].content['application/json'].example;
    expect({ items: resolvePlans() }).toEqual(example);
  });

  it('applies overrides: burst follows a changed rate unless given, and new plans can be added', () => {
    const plans = resolvePlans({ sandbox: { ratePerSecond: 5 }, partner: { burst: 150 }, gold: { ratePerSecond: 500, description: 'Gold' } });
    expect(plans).toEqual([
      { name: 'sandbox', ratePerSecond: 5, burst: 10 },
      { ...DEFAULT_PLANS[1], burst: 150 },
      DEFAULT_PLANS[2],
      { name: 'gold', ratePerSecond: 500, burst: 1000, description: 'Gold' },
    ]);
  });

  it('rejects a bad plan name, a new plan without a rate, and non-positive numbers', () => {
    const cases: PlanOverrides[] = [{ 'Bad Name': { ratePerSecond: 1 } }, { gold: {} }, { sandbox: { ratePerSecond: 0 } }, { sandbox: { burst: 1.5 } }];
    for (const bad of cases) {
      let caught: unknown;
      try {
        resolvePlans(bad);
      } catch (err) {
        caught = err;
      }
      expect(isRegistryError(caught, 'invalid')).toBe(true);
    }
  });
});
