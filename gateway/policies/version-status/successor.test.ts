import type { RouteManifestEntry } from '../../../codegen/manifest-types';
import { routes } from '../../../generated/routes';
import { successorLink, successorsFromManifest } from './successor';

const route = (path: string, version = 1): RouteManifestEntry => ({ ...(routes[0] as RouteManifestEntry), path, version });

describe('the successor of a deprecated route', () => {
  it('is the same path with the next major version, when the manifest serves it', () => {
    const successorFor = successorsFromManifest(routes);
    expect(successorFor(route('/v1/orders'))).toBe('/v2/orders');
    expect(successorFor(route('/v1/orders/{orderId}/cancel'))).toBe('/v2/orders/{orderId}/cancel');
    expect(successorFor(route('/v1/returns'))).toBeUndefined();
    expect(successorFor(route('/oauth/token'))).toBeUndefined();
  });

  it('finds the version segment of system and admin paths, and matches parameters whatever their names', () => {
    const successorFor = successorsFromManifest([route('/system/erp/v2/sales-orders/{id}', 2), route('/admin/v3/apps', 3)]);
    expect(successorFor(route('/system/erp/v1/sales-orders/{salesOrderId}'))).toBe('/system/erp/v2/sales-orders/{id}');
    expect(successorFor(route('/admin/v2/apps', 2))).toBe('/admin/v3/apps');
  });
});

describe('the successor Link', () => {
  it('is one constant for a path without parameters', () => {
    expect(successorLink('/v1/orders', '/v2/orders')({})).toBe('</v2/orders>; rel="successor-version"');
  });

  it('fills the successor parameters by position from the route, percent-encoded', () => {
    const link = successorLink('/v1/orders/{orderId}/lines/{lineId}', '/v2/orders/{id}/lines/{line}');
    expect(link({ orderId: 'ord_1', lineId: '2' })).toBe('</v2/orders/ord_1/lines/2>; rel="successor-version"');
    expect(link({ orderId: 'a>b; rel="x"', lineId: '\r\n' })).toBe('</v2/orders/a%3Eb%3B%20rel%3D%22x%22/lines/%0D%0A>; rel="successor-version"');
  });

  it('falls back to the fixed part of a successor with parameters the route cannot fill', () => {
    expect(successorLink('/v1/orders', '/v2/partners/{partnerId}/orders')({})).toBe('</v2/partners>; rel="successor-version"');
  });
});
