import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decimal, seedMaterials, seedPlants, seedPostings } from './data';
import { FaultState, parseFaults } from './faults';
import type { VendorFaults } from './faults';
import type { CreateVendorCreditDoc, CreateVendorSalesDoc, VendorCreditDoc, VendorError, VendorSalesDoc, VendorStockPosting } from './types';

/**
 * "Ledgerline ERP": a stand-in for a retailer's vendor ERP, shaped nothing like erp.v1 (see types.ts). It keeps its
 * documents in memory. It has no idempotency of any kind: every POST books a new document, which is exactly what
 * the adapter in front of it has to cope with. Test hooks live under /_stub (faults, counting, invoicing).
 */
export interface VendorStub {
  url: string;
  faults: FaultState;
  /** Every sales document booked for a BSTKD (the caller's reference): more than one is a double posting. */
  salesDocsFor(bstkd: string): VendorSalesDoc[];
  creditDocsFor(xblnr: string): VendorCreditDoc[];
  close(): Promise<void>;
}

const MAX_BODY = 256 * 1024;
const cents = (s: string | undefined): number => Math.round(Number(s ?? '0') * 100);

class VendorFailure extends Error {
  constructor(
    readonly status: number,
    readonly errCode: string,
    errText: string,
  ) {
    super(errText);
  }
}

function stamp(now: Date): { date: string; time: string } {
  const iso = now.toISOString();
  return { date: iso.slice(0, 10).replaceAll('-', ''), time: iso.slice(11, 19).replaceAll(':', '') };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new VendorFailure(400, 'REQ_TOO_BIG', 'request too large');
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new VendorFailure(400, 'REQ_SYNTAX', 'request is not JSON');
  }
}

export async function startVendorStub(opts: { port?: number; faults?: VendorFaults; random?: () => number; now?: () => Date } = {}): Promise<VendorStub> {
  const now = opts.now ?? (() => new Date());
  const faults = new FaultState(opts.random);
  if (opts.faults) faults.set(opts.faults);
  const materials = new Map(seedMaterials().map((m) => [m.MATNR, m]));
  const plants = seedPlants();
  const postings: VendorStockPosting[] = seedPostings();
  const salesDocs = new Map<number, VendorSalesDoc>();
  const creditDocs = new Map<number, VendorCreditDoc>();
  // Vendor number ranges: ten-digit document numbers, as such ERPs print them.
  let nextVbeln = 1000000001;
  let nextBelnr = 9000000001;

  function bookSalesDoc(body: CreateVendorSalesDoc): VendorSalesDoc {
    if (!body?.BSTKD || !Array.isArray(body.ITEMS) || body.ITEMS.length === 0) throw new VendorFailure(400, 'V1/012', 'BSTKD and ITEMS are mandatory');
    for (const item of body.ITEMS) {
      if (!materials.has(item.MATNR)) throw new VendorFailure(400, 'M7/001', `Material ${item.MATNR} does not exist (item ${item.POSNR})`);
      if (!(item.KWMENG > 0)) throw new VendorFailure(400, 'V1/020', `Quantity of item ${item.POSNR} must be positive`);
    }
    const net = body.ITEMS.reduce((n, i) => n + cents(i.NETPR) * i.KWMENG, 0);
    const tax = body.ITEMS.reduce((n, i) => n + cents(i.MWST), 0);
    const gross = net + tax + cents(body.FREIGHT) - cents(body.REBATE);
    const { date, time } = stamp(now());
    const doc: VendorSalesDoc = {
      ...body,
      VBELN: nextVbeln++,
      STATUS: 'A',
      NETWR: decimal(net),
      MWSTS: decimal(tax),
      GROSS: decimal(gross),
      CREDITED: '0.00',
      CREDIT_DOCS: [],
      ERDAT: date,
      ERZET: time,
      AEDAT: date,
      AEZET: time,
    };
    salesDocs.set(doc.VBELN, doc);
    return doc;
  }

  function salesDoc(vbeln: number): VendorSalesDoc {
    const doc = salesDocs.get(vbeln);
    if (!doc) throw new VendorFailure(400, 'V1/302', `Sales document ${vbeln} does not exist`);
    return doc;
  }

  function cancelSalesDoc(vbeln: number, text: string): VendorSalesDoc {
    const doc = salesDoc(vbeln);
    if (doc.STATUS === 'C') throw new VendorFailure(400, 'V1/340', `Sales document ${vbeln} is already cancelled`);
    if (doc.STATUS !== 'A') throw new VendorFailure(400, 'V1/341', `Sales document ${vbeln} has follow-on documents and cannot be cancelled`);
    const { date, time } = stamp(now());
    Object.assign(doc, { STATUS: 'C', CANCEL_TEXT: text, AEDAT: date, AEZET: time });
    return doc;
  }

  function bookCreditDoc(body: CreateVendorCreditDoc): VendorCreditDoc {
    if (!body?.XBLNR || !body.VBELN_REF || !Array.isArray(body.ITEMS) || body.ITEMS.length === 0) throw new VendorFailure(400, 'F5/010', 'XBLNR, VBELN_REF and ITEMS are mandatory');
    const so = salesDoc(body.VBELN_REF);
    if (so.STATUS === 'C') throw new VendorFailure(400, 'F5/120', `Sales document ${so.VBELN} is cancelled`);
    const left = cents(so.GROSS) - cents(so.CREDITED);
    if (cents(body.BETRG) > left) throw new VendorFailure(400, 'F5/121', `Credit of ${body.BETRG} exceeds the open amount ${decimal(left)} of ${so.VBELN}`);
    const items = body.ITEMS.reduce((n, i) => n + cents(i.BETRG) + cents(i.MWST), 0);
    const refunds = body.REFUNDS.reduce((n, r) => n + cents(r.BETRG), 0);
    if (items !== cents(body.BETRG) || refunds !== cents(body.BETRG)) throw new VendorFailure(400, 'F5/130', `Items (${decimal(items)}) and refunds (${decimal(refunds)}) must equal ${body.BETRG}`);
    const { date, time } = stamp(now());
    const doc: VendorCreditDoc = { ...body, BELNR: nextBelnr++, BSTKD_REF: so.BSTKD, BUDAT: date, CPUTM: time };
    creditDocs.set(doc.BELNR, doc);
    so.CREDITED = decimal(cents(so.CREDITED) + cents(body.BETRG));
    so.CREDIT_DOCS.push(doc.BELNR);
    if (cents(so.CREDITED) >= cents(so.GROSS)) so.STATUS = 'D';
    return doc;
  }

  async function route(req: IncomingMessage, url: URL): Promise<[number, unknown]> {
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (method === 'GET' && path === '/api/v2/materials') {
      const max = Math.min(Number(url.searchParams.get('max') ?? 100), 500);
      const from = url.searchParams.get('from') ?? '';
      const only = url.searchParams.get('matnr')?.split(',');
      const all = [...materials.values()].filter((m) => m.MATNR > from && (!only || only.includes(m.MATNR))).sort((a, b) => (a.MATNR < b.MATNR ? -1 : 1));
      return [200, { MATERIALS: all.slice(0, max), MORE: all.length > max }];
    }
    if (method === 'GET' && path === '/api/v2/plants') return [200, { PLANTS: plants }];
    if (path === '/api/v2/sales-docs') {
      if (method === 'POST') return [201, bookSalesDoc((await readBody(req)) as CreateVendorSalesDoc)];
      const bstkd = url.searchParams.get('bstkd');
      return [200, { DOCS: [...salesDocs.values()].filter((d) => !bstkd || d.BSTKD === bstkd) }];
    }
    const m = /^\/api\/v2\/sales-docs\/(\d+)(\/cancel)?$/.exec(path);
    if (m) {
      if (method === 'GET' && !m[2]) return [200, salesDoc(Number(m[1]))];
      if (method === 'POST' && m[2]) return [200, cancelSalesDoc(Number(m[1]), String(((await readBody(req)) as { TEXT?: string } | undefined)?.TEXT ?? ''))];
    }
    if (path === '/api/v2/credit-docs') {
      if (method === 'POST') return [201, bookCreditDoc((await readBody(req)) as CreateVendorCreditDoc)];
      const xblnr = url.searchParams.get('xblnr');
      return [200, { DOCS: [...creditDocs.values()].filter((d) => !xblnr || d.XBLNR === xblnr) }];
    }
    if (method === 'GET' && path === '/api/v2/stock-postings') {
      // Newest first, below a posting number when given: how the vendor's own reporting pages its journal.
      const below = Number(url.searchParams.get('below') ?? Number.MAX_SAFE_INTEGER);
      const max = Math.min(Number(url.searchParams.get('max') ?? 100), 500);
      const rows = postings.filter((p) => p.MBLNR < below).sort((a, b) => b.MBLNR - a.MBLNR);
      return [200, { POSTINGS: rows.slice(0, max), MORE: rows.length > max }];
    }
    throw new VendorFailure(404, 'SYS/404', `no service ${method} ${path}`);
  }

  /** Test hooks, never faulted. */
  async function stubRoute(req: IncomingMessage, url: URL): Promise<[number, unknown]> {
    if (url.pathname === '/_stub/faults' && req.method === 'PUT') {
      try {
        faults.set(parseFaults(await readBody(req)));
      } catch (err) {
        throw new VendorFailure(400, 'STUB/FAULT', (err as Error).message);
      }
      return [200, faults.get()];
    }
    if (url.pathname === '/_stub/faults' && req.method === 'GET') return [200, faults.get()];
    const m = /^\/_stub\/sales-docs\/(\d+)\/invoice$/.exec(url.pathname);
    if (m && req.method === 'POST') {
      const doc = salesDoc(Number(m[1]));
      doc.STATUS = 'B';
      return [200, doc];
    }
    if (url.pathname === '/_stub/stock-postings' && req.method === 'POST') {
      const body = (await readBody(req)) as Omit<VendorStockPosting, 'MBLNR' | 'CPUDT' | 'CPUTM'>;
      const { date, time } = stamp(now());
      const row: VendorStockPosting = { ...body, MBLNR: (postings.at(-1)?.MBLNR ?? 4900000000) + 1, CPUDT: date, CPUTM: time };
      postings.push(row);
      return [201, row];
    }
    throw new VendorFailure(404, 'SYS/404', `no stub hook ${req.method} ${url.pathname}`);
  }

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number, error: VendorError, headers?: Record<string, string>) => send(res, status, error, headers);

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://vendor');
    void (async () => {
      try {
        if (url.pathname.startsWith('/_stub/')) {
          const [status, body] = await stubRoute(req, url);
          return send(res, status, body);
        }
        const fault = faults.take(req.method ?? 'GET');
        if (fault?.mode === 'down' || fault?.mode === 'flaky') return fail(res, 503, { errCode: 'SYS/MAINT', errText: 'System is in maintenance' });
        if (fault?.mode === 'throttle') return fail(res, 429, { errCode: 'SYS/LIMIT', errText: 'Too many calls' }, { 'x-ledgerline-wait': String(fault.waitMs ?? 1000) });
        const [status, body] = await route(req, url);
        if (fault?.mode === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs ?? 1000));
        // The write happened; the caller never hears of it.
        if (fault?.mode === 'lose-response') return void res.socket?.destroy();
        if (res.destroyed) return;
        send(res, status, body);
      } catch (err) {
        if (err instanceof VendorFailure) return fail(res, err.status, { errCode: err.errCode, errText: err.message });
        fail(res, 500, { errCode: 'SYS/DUMP', errText: 'Internal error' });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    faults,
    salesDocsFor: (bstkd) => [...salesDocs.values()].filter((d) => d.BSTKD === bstkd),
    creditDocsFor: (xblnr) => [...creditDocs.values()].filter((d) => d.XBLNR === xblnr),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
