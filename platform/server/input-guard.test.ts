import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../logger';
import { buildApp } from './app';
import { nulInJson, nulInUrl } from './input-guard';

describe('input guard: NUL is refused at the edge, naming where it was', () => {
  let app: FastifyInstance;
  const seen: unknown[] = [];
  beforeAll(async () => {
    app = buildApp({ logger: createLogger({ level: 'silent' }), readiness: {}, isStarted: () => true });
    app.post('/things', async (req) => {
      seen.push(req.body);
      return { ok: true };
    });
    app.get('/things/:id', async (req) => {
      seen.push(req.params, req.query);
      return { ok: true };
    });
    await app.ready();
  });
  afterAll(() => app.close());
  beforeEach(() => (seen.length = 0));

  it('refuses a NUL inside a JSON string with a 400 problem naming the pointer, before the handler', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { 'content-type': 'application/json' },
      payload: '{"customer":{"name":"Ann\\u0000Lee"},"lines":[{"sku":"A"}]}',
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ type: 'https://concord.dev/problems/validation', errors: [{ pointer: '/customer/name' }] });
    expect(seen).toEqual([]);
  });

  it('finds a NUL in an array element and in a property name', async () => {
    expect(nulInJson('\\u0000', { lines: [{ sku: 'A' }, { sku: 'B\0' }] })?.pointer).toBe('/lines/1/sku');
    expect(nulInJson('\\u0000', { 'a/b\0': 1 })?.pointer).toBe('/a~1b\u0000');
    expect(nulInJson('\\u0000', 'x\0')?.pointer).toBe('/');
  });

  it('lets through the text `\\u0000` written as an escaped backslash', async () => {
    const res = await app.inject({ method: 'POST', url: '/things', headers: { 'content-type': 'application/json' }, payload: '{"note":"\\\\u0000"}' });
    expect(res.statusCode).toBe(200);
    expect(seen).toEqual([{ note: '\\u0000' }]);
  });

  it('refuses a NUL in a form-encoded field', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=client_credentials&client_id=a%00b',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ pointer: '/client_id', message: expect.stringContaining('NUL') }]);
  });

  it('refuses %00 in the query and in a path parameter', async () => {
    const query = await app.inject({ method: 'GET', url: '/things/1?sourceOrderId=%00' });
    expect(query.statusCode).toBe(400);
    expect(query.json().errors).toEqual([{ pointer: '#/query/sourceOrderId', message: expect.stringContaining('NUL') }]);
    const path = await app.inject({ method: 'GET', url: '/things/ab%00c' });
    expect(path.statusCode).toBe(400);
    expect(path.json().errors).toEqual([{ pointer: '#/path/id', message: expect.stringContaining('NUL') }]);
    expect(seen).toEqual([]);
    expect(nulInUrl('/things/1?a=%2500', {})).toBeUndefined();
  });

  it('a NUL in a header never reaches a route: Node refuses it as a problem', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('GET /things/1 HTTP/1.1\r\nHost: x\r\nX-Api-Key: a\0b\r\n\r\n'));
      let data = '';
      socket.on('data', (d) => (data += d.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    expect(raw).toContain('application/problem+json');
    expect(seen).toEqual([]);
  });

  it('sends X-Content-Type-Options: nosniff on JSON answers and on problems', async () => {
    const ok = await app.inject({ method: 'GET', url: '/things/1' });
    expect(ok.headers['x-content-type-options']).toBe('nosniff');
    const notFound = await app.inject({ method: 'GET', url: '/nothing' });
    expect(notFound.headers['x-content-type-options']).toBe('nosniff');
    const malformed = await app.inject({ method: 'POST', url: '/things', headers: { 'content-type': 'application/json' }, payload: '{' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.headers['x-content-type-options']).toBe('nosniff');
  });
});
