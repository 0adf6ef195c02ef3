import type { OperationModel } from '../../codegen/contracts';
import { formatPath, parseRulePath, pointerSegments } from './json-path';
import { expectationAt, parseBodyRules } from './matching-rules';
import { RouteTable } from './route-match';

const v4 = (rules: Record<string, unknown[]>) => parseBodyRules({ body: Object.fromEntries(Object.entries(rules).map(([p, m]) => [p, { combine: 'AND', matchers: m }])) });

describe('Pact matching-rule paths', () => {
  it('parses dotted, bracketed, quoted and wildcard paths', () => {
    expect(parseRulePath('$.lines[*].unitPrice.amount')).toEqual([
      { kind: 'field', name: 'lines' },
      { kind: 'star' },
      { kind: 'field', name: 'unitPrice' },
      { kind: 'field', name: 'amount' },
    ]);
    expect(parseRulePath("$['odd key'].x[2].*")).toEqual([{ kind: 'field', name: 'odd key' }, { kind: 'field', name: 'x' }, { kind: 'index', index: 2 }, { kind: 'star' }]);
    expect(parseRulePath('$')).toEqual([]);
    expect(parseRulePath('lines')).toBeUndefined();
    expect(parseRulePath('$.a[x]')).toBeUndefined();
  });

  it('formats field paths as problems name them', () => {
    expect(formatPath(['lines', 0, 'unitPrice', 'amount'])).toBe('$.lines[0].unitPrice.amount');
    expect(formatPath(['Idempotency-Replayed', "it's"])).toBe("$['Idempotency-Replayed']['it\\'s']");
    expect(pointerSegments({ lines: [{ a: 1 }], '0': { b: 1 } }, '/lines/0/a')).toEqual(['lines', 0, 'a']);
    expect(pointerSegments({ '0': { b: 1 } }, '/0/b')).toEqual(['0', 'b']);
  });
});

describe('what a consumer expects of a value', () => {
  const rules = v4({
    '$.lines': [{ match: 'type', min: 1 }],
    '$.lines[*].quantity': [{ match: 'integer' }],
    '$.lines[0].sku': [{ match: 'regex', regex: '^SKU-' }],
    '$.totals': [{ match: 'equality' }],
    '$.meta': [{ match: 'values' }],
  });

  it('without a rule, the example value itself', () => {
    expect(expectationAt(rules, ['status'])).toEqual({ kind: 'exact' });
    expect(expectationAt(parseBodyRules(undefined), ['x'])).toEqual({ kind: 'exact' });
  });

  it('the most specific rule for the value, exact indices over wildcards', () => {
    expect(expectationAt(rules, ['lines', 3, 'quantity'])).toEqual({ kind: 'integer' });
    expect(expectationAt(rules, ['lines', 0, 'sku'])).toEqual({ kind: 'regex', regex: '^SKU-' });
    expect(expectationAt(rules, ['meta'])).toEqual({ kind: 'map' });
  });

  it("an ancestor's rule cascades: type-like stays type, equality stays exact", () => {
    expect(expectationAt(rules, ['lines', 1, 'sku'])).toEqual({ kind: 'type' });
    expect(expectationAt(rules, ['lines', 1, 'unitPrice', 'amount'])).toEqual({ kind: 'type' });
    expect(expectationAt(rules, ['totals', 'total', 'amount'])).toEqual({ kind: 'exact' });
  });

  it('reads V2 flat rules under $.body', () => {
    const v2 = parseBodyRules({ '$.body.items': { match: 'type' }, '$.headers.Accept': { match: 'regex', regex: 'json' } });
    expect(expectationAt(v2, ['items', 0, 'sku'])).toEqual({ kind: 'type' });
    expect(v2.rules).toHaveLength(1);
  });
});

describe('matching concrete paths to contract paths', () => {
  const op = (method: string, path: string) => ({ method, path, operationId: `${method}${path}` }) as unknown as OperationModel;
  const table = new RouteTable([op('get', '/v1/availability/{sku}'), op('post', '/v1/availability/query'), op('get', '/v1/things/{a}.{b}'), op('get', '/v1/availability/query')]);

  it('prefers static segments, decodes parameters, and matches templated segments', () => {
    expect(table.lookup('GET', '/v1/availability/query').match?.op.path).toBe('/v1/availability/query');
    expect(table.lookup('GET', '/v1/availability/SKU%2D1').match).toMatchObject({ op: { path: '/v1/availability/{sku}' }, params: { sku: 'SKU-1' } });
    expect(table.lookup('GET', '/v1/things/x.json').match?.params).toEqual({ a: 'x', b: 'json' });
  });

  it('says which methods a path has when none is this one', () => {
    expect(table.lookup('DELETE', '/v1/availability/query').otherMethods.map((o) => `${o.method} ${o.path}`)).toEqual([
      'GET /v1/availability/{sku}',
      'POST /v1/availability/query',
      'GET /v1/availability/query',
    ]);
    expect(table.lookup('GET', '/v2/nothing')).toEqual({ otherMethods: [] });
  });
});
