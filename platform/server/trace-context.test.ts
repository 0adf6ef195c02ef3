import { continueTrace } from './trace-context';

describe('continueTrace', () => {
  it('keeps a valid incoming trace id and flags, with a new span id for this hop', () => {
    const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const { traceparent, traceId } = continueTrace(incoming);
    expect(traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(traceparent).not.toBe(incoming);
  });

  it.each([undefined, '', 'garbage', '00-00000000000000000000000000000000-00f067aa0ba902b7-01', '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'])(
    'starts a new trace for %p',
    (incoming) => {
      const { traceparent, traceId } = continueTrace(incoming);
      expect(traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
      expect(traceId).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    },
  );

  it('gives every new trace and every hop its own ids', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const { traceparent, traceId } = continueTrace(undefined);
      seen.add(traceId);
      seen.add(traceparent.split('-')[2] ?? '');
    }
    expect(seen.size).toBe(2000);
  });
});
