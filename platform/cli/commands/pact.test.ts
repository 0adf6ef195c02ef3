import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../test/helpers/cli';

// `concord pact verify` refusing what it cannot verify, before Concord starts. The verification itself, passing and
// failing, is tested in pact/provider/.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'concord-pact-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('concord pact verify', () => {
  it('--help says what it verifies and how it exits', async () => {
    const r = await runCli(['pact', 'verify', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: concord pact verify \[options\] \[pactFiles\.\.\.\]/);
    expect(r.stdout).toMatch(/--json/);
    expect(r.stdout).toMatch(/Exits 1 when an interaction fails, naming the consumer, the interaction and the mismatch/);
  });

  it('names a pact file it cannot read, or one for another provider, and exits 1 without a stack trace', async () => {
    const missing = await runCli(['pact', 'verify', join(dir, 'nope.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`error: ${join(dir, 'nope.json')} is not a readable pact file (ENOENT: no such file or directory, open '${join(dir, 'nope.json')}')\n`);

    const other = join(dir, 'shop-payments.json');
    await writeFile(other, JSON.stringify({ consumer: { name: 'shop' }, provider: { name: 'payments' }, interactions: [] }));
    const wrong = await runCli(['pact', 'verify', other, '--json']);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toBe('');
    expect(JSON.parse(wrong.stderr)).toEqual({
      error: 'failed',
      message: `${other} is a pact with the provider 'payments'; Concord verifies pacts with 'concord' (HTTP) or 'concord-events' (events)`,
    });
  });
});
