import { canonicalJson, computeFingerprint, sortedQuery } from './fingerprint';

const fp = (method: string, url: string, body: unknown) => computeFingerprint({ method, url, body });

describe('request fingerprint', () => {
  test('is a hex SHA-256, stable for the same request', () => {
    const a = fp('POST', '/v1/orders', { sku: 'A', qty: 1 });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(fp('post', '/v1/orders', { sku: 'A', qty: 1 })).toBe(a);
  });

  test('JSON key order and formatting do not matter, at any depth; array order does', () => {
    const body = { b: 1, a: { y: [1, { q: 2, p: 1 }], x: null } };
    const reordered = JSON.parse('{ "a": { "x": null, "y": [1, {"p": 1, "q": 2}] }, "b": 1.0 }') as unknown;
    expect(fp('POST', '/v1/orders', reordered)).toBe(fp('POST', '/v1/orders', body));
    expect(fp('POST', '/v1/orders', { b: 1, a: { y: [{ q: 2, p: 1 }, 1], x: null } })).not.toBe(fp('POST', '/v1/orders', body));
  });

  test('method, path, query and body each change it', () => {
    const base = fp('POST', '/v1/orders/1', { a: 1 });
    expect(fp('PUT', '/v1/orders/1', { a: 1 })).not.toBe(base);
    expect(fp('POST', '/v1/orders/2', { a: 1 })).not.toBe(base);
    expect(fp('POST', '/v1/orders/1?dryRun=true', { a: 1 })).not.toBe(base);
    expect(fp('POST', '/v1/orders/1', { a: 2 })).not.toBe(base);
    expect(fp('POST', '/v1/orders/1', { a: '1' })).not.toBe(base);
  });

  test('query parameters are sorted by name and normalised; repeated values keep their order', () => {
    expect(fp('POST', '/x?b=2&a=1', undefined)).toBe(fp('POST', '/x?a=1&b=2', undefined));
    expect(fp('POST', '/x?a=%41', undefined)).toBe(fp('POST', '/x?a=A', undefined));
    expect(fp('POST', '/x?a=1&a=2', undefined)).not.toBe(fp('POST', '/x?a=2&a=1', undefined));
    expect(sortedQuery('z=1&a=2&a=1')).toBe('a=2&a=1&z=1');
    expect(fp('POST', '/x?', undefined)).toBe(fp('POST', '/x', undefined));
  });

  test('no body, an empty string, a string and a Buffer are told apart; path and body cannot run into each other', () => {
    const kinds = [undefined, '', 'null', Buffer.from('null'), {}, '{}'];
    expect(new Set(kinds.map((b) => fp('POST', '/x', b))).size).toBe(kinds.length);
    expect(fp('POST', '/x', undefined)).toBe(fp('POST', '/x', null));
    expect(fp('POST', '/a', '/b')).not.toBe(fp('POST', '/a/b', ''));
  });

  test('canonical JSON sorts keys by UTF-16 code units (RFC 8785) and escapes like JSON', () => {
    expect(canonicalJson({ b: [true, null, 'é"'], a: 1e21, A: 0.5, '\u00e9': 1, z: -0 })).toBe('{"A":0.5,"a":1e+21,"b":[true,null,"é\\""],"z":0,"é":1}');
  });
});
