import { partnerView } from './partner-view';

describe('partnerView', () => {
  const doc = {
    openapi: '3.1.0',
    'x-concord-audience': 'partner',
    paths: {
      '/v1/orders': { parameters: [{ name: 'X-Correlation-ID' }], get: { operationId: 'listOrders' }, post: { operationId: 'createOrder', 'x-concord-audience': 'internal' } },
      '/v1/orders/{id}/force': { parameters: [], post: { operationId: 'forceOrder', 'x-concord-audience': 'internal' } },
    },
  };

  it('leaves out internal operations, and paths with no operation left', () => {
    expect(partnerView(doc)).toEqual({
      openapi: '3.1.0',
      'x-concord-audience': 'partner',
      paths: { '/v1/orders': { parameters: [{ name: 'X-Correlation-ID' }], get: { operationId: 'listOrders' } } },
    });
  });

  it('leaves out everything of an internal document unless an operation says partner', () => {
    const internalDoc = { 'x-concord-audience': 'internal', paths: { '/a': { get: { operationId: 'a' }, put: { operationId: 'b', 'x-concord-audience': 'partner' } } } };
    expect(partnerView(internalDoc)).toEqual({ 'x-concord-audience': 'internal', paths: { '/a': { put: { operationId: 'b', 'x-concord-audience': 'partner' } } } });
  });

  it('returns the same (shared, frozen) document when nothing is internal', () => {
    const plain = Object.freeze({ paths: { '/a': { get: { operationId: 'a' } } } });
    expect(partnerView(plain)).toBe(plain);
  });
});
