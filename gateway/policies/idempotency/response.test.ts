import { Readable } from 'node:stream';
import { isStoredStatus, payloadBytes, storedHeaders } from './response';

describe('what is stored of a response', () => {
  test('statuses below 500 are stored except 408 and 429; 5xx never', () => {
    expect([200, 201, 202, 204, 301, 400, 404, 409, 422].every(isStoredStatus)).toBe(true);
    expect([408, 429, 500, 502, 503, 504].some(isStoredStatus)).toBe(false);
  });

  test('framing and per-request headers are dropped, the rest kept lower-cased', () => {
    expect(
      storedHeaders({
        'Content-Type': 'application/json',
        'content-length': 12,
        location: '/v1/orders/1',
        'x-correlation-id': 'c-1',
        RateLimit: '"sandbox";r=1;t=1',
        'set-cookie': ['a=1'],
        vary: ['accept', 'origin'],
        'x-count': 3,
        'x-none': undefined,
      }),
    ).toEqual({ 'content-type': 'application/json', location: '/v1/orders/1', vary: ['accept', 'origin'], 'x-count': '3' });
  });

  test('payloads of every onSend shape become bytes', async () => {
    expect(await payloadBytes(undefined)).toEqual(Buffer.alloc(0));
    expect(await payloadBytes('{"a":1}')).toEqual(Buffer.from('{"a":1}'));
    expect(await payloadBytes(Buffer.from([1, 2]))).toEqual(Buffer.from([1, 2]));
    expect(await payloadBytes(new Uint8Array([3]))).toEqual(Buffer.from([3]));
    expect(await payloadBytes(Readable.from(['a', Buffer.from('b')]))).toEqual(Buffer.from('ab'));
    await expect(payloadBytes(42)).rejects.toThrow(TypeError);
  });
});
