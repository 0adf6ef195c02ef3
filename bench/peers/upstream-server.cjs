'use strict';
// The upstream of `npm run bench`: a minimal node:http JSON server, run as its own process. GET answers a fixed
// JSON body of about 300 bytes; POST reads the request body and answers 201 with a small JSON order. Every path
// is served the same way, so the direct run and every gateway in front of it hit the same work.
// Usage: node upstream-server.cjs [port]; prints {"port":…} on stdout once listening.
const { createServer } = require('node:http');
const { Buffer } = require('node:buffer');

const getBody = JSON.stringify({
  id: 'ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3',
  status: 'accepted',
  channelOrderId: 'BENCH-0001',
  currency: 'EUR',
  lines: [{ sku: 'SKU-0001', quantity: 1, unitPrice: { currency: 'EUR', amount: 1999 } }],
  createdAt: '2026-12-04T21:00:00.000Z',
  padding: 'x'.repeat(55),
});
let created = 0;

const server = createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(getBody) });
    res.end(getBody);
    return;
  }
  let size = 0;
  req.on('data', (chunk) => (size += chunk.length));
  req.on('end', () => {
    created += 1;
    const body = JSON.stringify({ id: `ord_${String(created).padStart(26, '0')}`, status: 'accepted', received: size });
    res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), location: `/v2/orders/ord_${created}` });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, getBytes: Buffer.byteLength(getBody) })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
