import type { ServerResponse } from 'node:http';
import { runCli } from '../../../test/helpers/cli';
import type { Recorded } from '../../../test/helpers/fake-concord';
import { ADMIN, answer, useFakeConcord } from '../../../test/helpers/fake-concord';
import { CliFailure } from '../admin-client';
import { describeFault, describeReset, parseFault, parseReset } from './sandbox';

describe('concord sandbox fault: arguments', () => {
  const fails = (system: string, mode: string, opts = {}) => {
    try {
      parseFault(system, mode, opts);
    } catch (err) {
      expect(err).toBeInstanceOf(CliFailure);
      return (err as Error).message;
    }
    throw new Error('expected a CliFailure');
  };

  it('turns each mode and its options into the contract’s fault configuration', () => {
    expect(parseFault('erp', 'down', { duration: '1200' })).toEqual({ system: 'erp', config: { mode: 'down', retryAfterSeconds: 1, durationSeconds: 1200 } });
    expect(parseFault('WMS', 'slow', { delayMs: '0' })).toEqual({ system: 'wms', config: { mode: 'slow', retryAfterSeconds: 1, delayMs: 0 } });
    expect(parseFault('pos', 'flaky', { rate: '0.2' }).config).toEqual({ mode: 'flaky', retryAfterSeconds: 1, failureRate: 0.2 });
    expect(parseFault('pos', 'throttle', { retryAfter: '30' }).config).toEqual({ mode: 'throttle', retryAfterSeconds: 30 });
    expect(parseFault('erp', 'none', {}).config).toEqual({ mode: 'none', retryAfterSeconds: 1 });
  });

  it('refuses an unknown system or mode, values out of range, and options the mode would ignore', () => {
    expect(fails('crm', 'down')).toBe("unknown system 'crm': use erp, wms or pos");
    expect(fails('erp', 'broken')).toBe("unknown mode 'broken': use none, down, slow, throttle or flaky");
    expect(fails('erp', 'slow')).toBe('mode slow needs --delay-ms <ms>, the added latency');
    expect(fails('erp', 'slow', { delayMs: '-5' })).toBe("--delay-ms must be a whole number of milliseconds from 0 to 60000, not '-5'");
    expect(fails('erp', 'slow', { delayMs: '1.5' })).toBe("--delay-ms must be a whole number of milliseconds from 0 to 60000, not '1.5'");
    expect(fails('erp', 'slow', { delayMs: '60001' })).toContain('from 0 to 60000');
    expect(fails('wms', 'flaky')).toBe('mode flaky needs --rate <share>, the share of requests that fail (0 to 1)');
    for (const rate of ['1.5', '-0.1', 'half', '']) {
      expect(fails('wms', 'flaky', { rate })).toBe(`--rate must be a number from 0 to 1 (the share of requests that fail), not '${rate}'`);
    }
    expect(fails('pos', 'throttle', { retryAfter: '0' })).toBe("--retry-after must be a whole number of seconds from 1 to 3600, not '0'");
    expect(fails('pos', 'down', { duration: '86401' })).toBe("--duration must be a whole number of seconds from 1 to 86400, not '86401'");
    expect(fails('erp', 'down', { delayMs: '100' })).toBe('--delay-ms applies only to mode slow, not down');
    expect(fails('erp', 'slow', { delayMs: '100', rate: '0.5' })).toBe('--rate applies only to mode flaky, not slow');
    expect(fails('erp', 'flaky', { rate: '0.5', retryAfter: '3' })).toBe('--retry-after applies only to mode throttle, not flaky');
    expect(fails('erp', 'none', { duration: '60' })).toBe('--duration does not apply to mode none, which clears the fault');
  });

  it('describes a fault in one line', () => {
    expect(describeFault('erp', { mode: 'down', retryAfterSeconds: 1, durationSeconds: 1143 })).toBe('ERP: down (every request 503), resets in 1143 s');
    expect(describeFault('wms', { mode: 'slow', delayMs: 2500, retryAfterSeconds: 1 })).toBe('WMS: slow (2500 ms added)');
    expect(describeFault('pos', { mode: 'flaky', failureRate: 0.2, retryAfterSeconds: 1 })).toBe('POS: flaky (20 % of requests 503)');
    expect(describeFault('pos', { mode: 'throttle', retryAfterSeconds: 30 })).toBe('POS: throttle (every request 429, Retry-After 30 s)');
    expect(describeFault('erp', { mode: 'none', retryAfterSeconds: 1 })).toBe('ERP: none (behaves normally)');
  });
});

describe('concord sandbox reset: arguments and output', () => {
  it('takes exactly one of --partner and --all', () => {
    expect(parseReset({ partner: ' prt_sandbox ' })).toEqual({ partnerId: 'prt_sandbox' });
    expect(parseReset({ all: true })).toEqual({ all: true });
    expect(() => parseReset({})).toThrow(new CliFailure('say whose data to reset: --partner <id>, or --all for every partner'));
    expect(() => parseReset({ partner: 'prt_sandbox', all: true })).toThrow(new CliFailure('use either --partner <id> or --all, not both'));
  });

  it('says what was removed, with counts', () => {
    const text = describeReset('partner prt_sandbox', { orders: 2, reservations: 3, returns: 1, idempotencyKeys: 4, stockPositions: 12 });
    expect(text.split('\n')).toEqual([
      'Sandbox data reset for partner prt_sandbox:',
      expect.stringMatching(/^\s+orders removed\s+2 /),
      expect.stringMatching(/^\s+reservations removed\s+3$/),
      expect.stringMatching(/^\s+returns removed\s+1 /),
      expect.stringMatching(/^\s+idempotency keys removed 4$/),
      expect.stringMatching(/^\s+stock positions restored 12 /),
    ]);
  });
});

/**
 * The commands against a fake Concord serving only /oauth/token and the three fault endpoints on an ephemeral port,
 * every answer checked against the contract (as in apps.test.ts): what the CLI sends and prints, without a full
 * start-up per run. The fault endpoints' own behaviour is tested in system-apis/sandbox/faults.test.ts.
 */
const TOKEN = 'eyJ.fake.sandbox-token';

/** The fault endpoints over faults held in memory, starting as below. */
function faultsRoute() {
  const faults: Record<string, unknown> = {
    erp: { mode: 'none', retryAfterSeconds: 1 },
    wms: { mode: 'slow', delayMs: 2500, retryAfterSeconds: 1 },
    pos: { mode: 'flaky', failureRate: 0.2, retryAfterSeconds: 1, durationSeconds: 244 },
  };
  return (r: Recorded, res: ServerResponse): void => {
    if (r.method === 'POST' && r.path === '/oauth/token') {
      return answer(res, 'auth', 'issueToken', 200, { access_token: TOKEN, token_type: 'Bearer', expires_in: 900, scope: 'sandbox:admin' });
    }
    const m = /^\/system\/(erp|wms|pos)\/v1\/sandbox\/faults$/.exec(r.path);
    const system = m?.[1];
    if (!system || r.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(404, { 'content-type': 'application/problem+json' }).end('{}');
      return;
    }
    if (r.method === 'PUT') faults[system] = r.body;
    return answer(res, system, r.method === 'PUT' ? 'setSandboxFaults' : 'getSandboxFaults', 200, faults[system]);
  };
}

// Each CLI run starts a Node process through tsx: seconds apiece, and far more on a loaded 2-core machine.
jest.setTimeout(180_000);

describe('concord sandbox against a fake Concord', () => {
  const fake = useFakeConcord(faultsRoute());
  const withFake = fake.run;

  it('sets a fault with a sandbox:admin token and prints what is now active; shows all three as a table or JSON', async () => {
    const set = await withFake(['sandbox', 'fault', 'erp', 'down', '--duration', '1200', '--json']);
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toEqual({ system: 'erp', mode: 'down', retryAfterSeconds: 1, durationSeconds: 1200 });
    expect(fake.requests.map(({ method, path, authorization, body }) => ({ method, path, authorization, body }))).toEqual([
      { method: 'POST', path: '/oauth/token', body: { grant_type: 'client_credentials', ...ADMIN, scope: 'sandbox:admin' } },
      { method: 'PUT', path: '/system/erp/v1/sandbox/faults', authorization: `Bearer ${TOKEN}`, body: { mode: 'down', retryAfterSeconds: 1, durationSeconds: 1200 } },
    ]);

    const [human, json] = await Promise.all([withFake(['sandbox', 'faults']), withFake(['sandbox', 'faults', '--json'])]);
    expect(human.code).toBe(0);
    expect(human.stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^SYSTEM\s+MODE\s+EFFECT\s+RESETS IN$/),
      expect.stringMatching(/^ERP\s+down\s+every request 503\s+1200 s$/),
      expect.stringMatching(/^WMS\s+slow\s+2500 ms added\s+-$/),
      expect.stringMatching(/^POS\s+flaky\s+20 % of requests 503\s+244 s$/),
    ]);
    expect(JSON.parse(json.stdout)).toEqual({
      erp: { mode: 'down', retryAfterSeconds: 1, durationSeconds: 1200 },
      wms: { mode: 'slow', delayMs: 2500, retryAfterSeconds: 1 },
      pos: { mode: 'flaky', failureRate: 0.2, retryAfterSeconds: 1, durationSeconds: 244 },
    });
  });

  it('reports bad arguments before sending anything, exit 1 without a stack; --help lists the options', async () => {
    const sent = fake.requests.length;
    const [badMode, badRate, help] = await Promise.all([
      withFake(['sandbox', 'fault', 'wms', 'sideways']),
      withFake(['sandbox', 'fault', 'pos', 'flaky', '--rate', '2', '--json']),
      runCli(['sandbox', 'fault', '--help']),
    ]);
    expect(badMode.code).toBe(1);
    expect(badMode.stderr).toBe("error: unknown mode 'sideways': use none, down, slow, throttle or flaky\n");
    expect(badRate.code).toBe(1);
    expect(JSON.parse(badRate.stderr)).toEqual({ error: 'failed', message: "--rate must be a number from 0 to 1 (the share of requests that fail), not '2'" });
    expect(fake.requests).toHaveLength(sent);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/<system> <mode>[\s\S]*--delay-ms <ms>[\s\S]*--rate <share>[\s\S]*--retry-after <seconds>[\s\S]*--duration <seconds>[\s\S]*--url <url>[\s\S]*--data-dir <dir>[\s\S]*--json/);
  });
});
