import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT, makeTempDir } from '../../platform/testing/temp-dir';
import { MAX_PACT_BYTES, PactFileError, checkConsumerImpact, listPactFiles, parsePact, readPactFile } from '.';

const MALFORMED = join(REPO_ROOT, 'governance', 'fixtures', 'impact', 'malformed');

describe('pact files are validated before anything is checked', () => {
  it('a file that is not JSON is an error naming the file', async () => {
    const file = join(MALFORMED, 'not-json.json');
    await expect(readPactFile(file, 'governance/fixtures/impact/malformed/not-json.json')).rejects.toThrow(/^governance\/fixtures\/impact\/malformed\/not-json\.json: not JSON: /);
    // Through the entry point too, named repo-relative, before any contract is looked at.
    const err = await checkConsumerImpact({ contractsRoot: REPO_ROOT, pactFiles: [file], root: REPO_ROOT }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PactFileError);
    expect(err).toMatchObject({ file: 'governance/fixtures/impact/malformed/not-json.json' });
  });

  it('JSON that is not a pact is an error naming the file and what is missing', async () => {
    await expect(readPactFile(join(MALFORMED, 'not-a-pact.json'), 'not-a-pact.json')).rejects.toThrow(
      'not-a-pact.json: not a pact: it has neither an interactions nor a messages array',
    );
    expect(() => parsePact([], 'a.json')).toThrow('a.json: not a pact: the document is not a JSON object');
    expect(() => parsePact({ provider: { name: 'p' }, interactions: [] }, 'b.json')).toThrow('b.json: not a pact: consumer.name is missing');
    expect(() => parsePact({ consumer: { name: 'c' }, interactions: [] }, 'c.json')).toThrow('c.json: not a pact: provider.name is missing');
  });

  it('an interaction without what its kind needs is an error naming the file and the interaction', () => {
    const pact = (interaction: unknown) => ({ consumer: { name: 'c' }, provider: { name: 'p' }, interactions: [interaction], metadata: { pactSpecification: { version: '4.0' } } });
    expect(() => parsePact(pact({ type: 'Synchronous/HTTP', description: 'x', request: { path: '/a' }, response: { status: 200 } }), 'd.json')).toThrow(
      'd.json: interactions[0] ("x"): an HTTP interaction needs request.method and request.path',
    );
    expect(() => parsePact(pact({ type: 'Synchronous/HTTP', description: 'y', request: { method: 'GET', path: '/a' }, response: {} }), 'e.json')).toThrow(
      'e.json: interactions[0] ("y"): an HTTP interaction needs an integer response.status',
    );
    expect(() => parsePact(pact({ type: 'Synchronous/HTTP' }), 'f.json')).toThrow('f.json: interactions[0]: an interaction needs a description');
    expect(() =>
      parsePact(pact({ type: 'Asynchronous/Messages', description: 'z', contents: { content: '{oops', contentType: 'application/json', encoded: 'JSON' } }), 'g.json'),
    ).toThrow(/^g\.json: interactions\[0\] \("z"\) contents \(encoded JSON\) is not valid JSON/);
  });

  it(`a file over ${MAX_PACT_BYTES / 1024 / 1024} MB is refused without being parsed`, async () => {
    const tmp = await makeTempDir();
    try {
      const file = join(tmp.path, 'huge.json');
      await writeFile(file, JSON.stringify({ consumer: { name: 'c' }, provider: { name: 'p' }, interactions: [], padding: 'x'.repeat(MAX_PACT_BYTES) }));
      await expect(readPactFile(file, 'huge.json')).rejects.toThrow(/^huge\.json: the pact file is 5\.0 MB; pact files over 5 MB are refused$/);
    } finally {
      await tmp.remove();
    }
  });

  it('V4 bodies: base64 and JSON-encoded contents are decoded; the Content-Type header wins over the body type', () => {
    const encoded = Buffer.from(JSON.stringify({ type: 'order.cancelled' })).toString('base64');
    const pact = parsePact(
      {
        consumer: { name: 'c' },
        provider: { name: 'p' },
        interactions: [
          { type: 'Asynchronous/Messages', description: 'b64', contents: { content: encoded, contentType: 'application/json', encoded: 'base64' } },
          {
            type: 'Synchronous/HTTP',
            description: 'problem',
            request: { method: 'get', path: '/x' },
            response: { status: 404, headers: { 'Content-Type': ['application/problem+json; charset=utf-8'] }, body: { content: { title: 'Not found' }, contentType: 'application/json', encoded: false } },
          },
        ],
        metadata: { pactSpecification: { version: '4.0' } },
      },
      'h.json',
    );
    expect(pact.interactions[0]).toMatchObject({ kind: 'message', contents: { content: { type: 'order.cancelled' }, json: true } });
    expect(pact.interactions[1]).toMatchObject({ kind: 'http', request: { method: 'GET' }, response: { body: { contentType: 'application/problem+json', json: true } } });
  });

  it('listPactFiles lists the JSON files under a directory, sorted, recursively', async () => {
    const tmp = await makeTempDir();
    try {
      await mkdir(join(tmp.path, 'nested'));
      await Promise.all(['b.json', 'a.json', 'notes.txt', 'nested/c.json'].map((f) => writeFile(join(tmp.path, f), '{}')));
      expect(await listPactFiles(tmp.path)).toEqual([join(tmp.path, 'a.json'), join(tmp.path, 'b.json'), join(tmp.path, 'nested', 'c.json')]);
    } finally {
      await tmp.remove();
    }
  });
});
