import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { copyContracts } from '../../platform/testing/temp-dir';
import { runCli } from '../../test/helpers/cli';
import type { ContractProblem } from '.';
import { ContractLoadError, loadContracts } from '.';

const ORDERS = 'contracts/openapi/process/orders.v1.yaml';
const CREATE = ['paths', '/v1/orders', 'post'];

/** Edits one contract in a scratch copy of the repo's contracts through the YAML AST, keeping the rest intact. */
async function breakContract(root: string, rel: string, edit: (doc: ReturnType<typeof parseDocument>) => void): Promise<void> {
  const path = join(root, rel);
  const doc = parseDocument(await readFile(path, 'utf8'));
  edit(doc);
  await writeFile(path, doc.toString());
}

async function problemsOf(root: string): Promise<ContractProblem[]> {
  try {
    await loadContracts(root);
  } catch (err) {
    if (err instanceof ContractLoadError) return err.problems;
    throw err;
  }
  throw new Error('expected the contracts to be rejected');
}

const cases: Array<{ kind: string; file: string; edit: (doc: ReturnType<typeof parseDocument>) => void; pointer: string; message: RegExp }> = [
  {
    kind: 'a bad $ref',
    file: ORDERS,
    edit: (d) => d.setIn([...CREATE, 'requestBody', 'content', 'application/json', 'schema', '$ref'], '#/components/schemas/NoSuchSchema'),
    pointer: '/paths/~1v1~1orders/post/requestBody/content/application~1json/schema/$ref',
    message: /NoSuchSchema.*cannot be resolved/,
  },
  {
    kind: 'a $ref to a missing file',
    file: ORDERS,
    edit: (d) => d.setIn(['components', 'schemas', 'CancelOrderRequest', 'properties', 'note', '$ref'], '../common/nope.yaml#/components/schemas/X'),
    pointer: '/components/schemas/CancelOrderRequest/properties/note/$ref',
    message: /not a contract/,
  },
  {
    kind: 'an invalid schema',
    file: ORDERS,
    edit: (d) => d.setIn(['components', 'schemas', 'CancelOrderRequest', 'properties', 'note', 'type'], 'strin'),
    pointer: '/components/schemas/CancelOrderRequest/properties/note/type',
    message: /invalid schema/,
  },
  {
    kind: 'a duplicate operationId',
    file: ORDERS,
    edit: (d) => d.setIn(['paths', '/v1/orders/{orderId}', 'get', 'operationId'], 'createOrder'),
    pointer: '/paths/~1v1~1orders~1{orderId}/get/operationId',
    message: /duplicate operationId 'createOrder'/,
  },
  {
    kind: 'an operation without security',
    file: ORDERS,
    edit: (d) => d.deleteIn([...CREATE, 'security']),
    pointer: '/paths/~1v1~1orders/post',
    message: /no security requirement/,
  },
  {
    kind: 'a missing x-concord-upstream',
    file: ORDERS,
    edit: (d) => d.delete('x-concord-upstream'),
    pointer: '/paths/~1v1~1orders/post',
    message: /no x-concord-upstream/,
  },
];

describe('broken contracts fail loudly, naming the file and the JSON pointer', () => {
  it.each(cases)('$kind', async ({ file, edit, pointer, message }) => {
    const scratch = await copyContracts();
    try {
      await breakContract(scratch.root, file, edit);
      const problems = await problemsOf(scratch.root);
      expect(problems).toEqual(expect.arrayContaining([expect.objectContaining({ file, pointer, message: expect.stringMatching(message) })]));
    } finally {
      await scratch.remove();
    }
  });

  it('a scope missing from the catalogue is reported', async () => {
    const scratch = await copyContracts();
    try {
      await breakContract(scratch.root, ORDERS, (d) => d.setIn([...CREATE, 'security', 0, 'oauth2', 0], 'orders:everything'));
      expect(await problemsOf(scratch.root)).toEqual(
        expect.arrayContaining([expect.objectContaining({ file: ORDERS, message: expect.stringContaining("scope 'orders:everything'") })]),
      );
    } finally {
      await scratch.remove();
    }
  });

  it('`concord start` refuses contracts that generated/ was not generated from', async () => {
    const scratch = await copyContracts();
    try {
      await breakContract(scratch.root, ORDERS, (d) => d.setIn(['info', 'description'], 'A valid edit, but not regenerated.'));
      const r = await runCli(['start', '--root', scratch.root, '--port', '0'], { CONCORD_DATA_DIR: join(scratch.root, 'data'), LOG_LEVEL: 'silent' });
      expect(r.code).toBe(1);
      // Regenerating the scratch copy would change nothing start serves: the advice names that, not `npm run generate`.
      expect(r.stderr).toContain(`the contracts in ${scratch.root} are not the ones this Concord's routes were generated from`);
      expect(r.stderr).toContain('Start without --root');
      expect(r.stderr).not.toContain('npm run generate');
    } finally {
      await scratch.remove();
    }
  });

  describe('through the CLI', () => {
    let scratch: { root: string; remove(): Promise<void> };
    beforeAll(async () => {
      scratch = await copyContracts();
      await breakContract(scratch.root, ORDERS, (d) => d.setIn(['paths', '/v1/orders/{orderId}', 'get', 'operationId'], 'createOrder'));
    });
    afterAll(() => scratch.remove());

    it('`concord generate` exits 1 and prints the file and pointer', async () => {
      const r = await runCli(['generate', '--root', scratch.root]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${ORDERS}#/paths/~1v1~1orders~1{orderId}/get/operationId: duplicate operationId 'createOrder'`);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    });

    it('`concord generate --json` reports the problems as JSON', async () => {
      const r = await runCli(['generate', '--root', scratch.root, '--json']);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stderr)).toEqual({
        error: 'contract-invalid',
        problems: [expect.objectContaining({ file: ORDERS, pointer: '/paths/~1v1~1orders~1{orderId}/get/operationId' })],
      });
    });

    it('`concord start` exits 1 and prints the file and pointer, leaving no lock behind', async () => {
      const dataDir = join(scratch.root, 'data');
      const r = await runCli(['start', '--root', scratch.root, '--port', '0'], { CONCORD_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${ORDERS}#/paths/~1v1~1orders~1{orderId}/get/operationId: duplicate operationId 'createOrder'`);
      await expect(readFile(join(dataDir, 'concord.lock'))).rejects.toThrow(/ENOENT/);
    });
  });
});
