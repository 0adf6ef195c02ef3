import { Writable } from 'node:stream';
import Fastify from 'fastify';
import pino from 'pino';
import { bindLog } from './log-bindings';

describe('bindLog', () => {
  it("adds fields to the request's later log lines, and to no other request's", async () => {
    const lines: Array<Record<string, unknown>> = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const app = Fastify({ loggerInstance: pino({ level: 'info' }, stream), disableRequestLogging: true });
    app.get('/:who', async (req) => {
      const { who } = req.params as { who: string };
      if (who === 'ada') bindLog(req, { clientId: 'ada' });
      req.log.info({ who }, 'handled');
      return {};
    });
    await app.inject({ url: '/ada' });
    await app.inject({ url: '/bob' });
    await app.close();
    const handled = lines.filter((l) => l.msg === 'handled').map((l) => ({ who: l.who, clientId: l.clientId, hasReqId: typeof l.reqId === 'string' }));
    expect(handled).toEqual([
      { who: 'ada', clientId: 'ada', hasReqId: true },
      { who: 'bob', clientId: undefined, hasReqId: true },
    ]);
  });
});
