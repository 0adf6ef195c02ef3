import { Writable } from 'node:stream';
import { createLogger } from './logger';

function sink(): { stream: Writable; text: () => string } {
  let out = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString();
      done();
    },
  });
  return { stream, text: () => out };
}

describe('createLogger', () => {
  it('writes JSON lines by default, with secrets redacted', () => {
    const s = sink();
    createLogger({ level: 'info', destination: s.stream }).info({ app: { client_secret: 'cs_x' } }, 'started');
    const line = JSON.parse(s.text().trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ msg: 'started', service: 'concord', app: { client_secret: '[redacted]' } });
  });

  it('writes readable lines for a terminal, with the same redaction', () => {
    const s = sink();
    createLogger({ level: 'info', destination: s.stream, pretty: true }).info({ app: { client_secret: 'cs_x' } }, 'started');
    const text = s.text();
    expect(() => JSON.parse(text.trim())).toThrow();
    expect(text).toMatch(/INFO.*started/);
    expect(text).toContain('[redacted]');
    expect(text).not.toContain('cs_x');
  });
});
