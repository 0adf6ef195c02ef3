import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, relative } from 'node:path';
import { parseDocument } from 'yaml';
import { toPosix } from './discover';
import type { ContractFile, ContractGroup, ContractProblem } from './types';
import { isObject } from './types';

const VERSIONED_NAME = /^([a-z][a-z0-9-]*)\.v(\d+)\.ya?ml$/;
/** Contract files are small; this guards `generate` and `start` against a pasted dump or a YAML bomb. */
const MAX_CONTRACT_BYTES = 2 * 1024 * 1024;

function groupOf(rel: string): ContractGroup | undefined {
  const parts = rel.split('/');
  if (parts[1] === 'asyncapi') return 'events';
  if (parts[1] === 'openapi' && ['common', 'process', 'system', 'platform'].includes(parts[2] ?? '')) {
    return parts[2] as ContractGroup;
  }
  return undefined;
}

/** Reads and parses one contract file. Problems are returned, never thrown. */
export async function readContract(
  root: string,
  abs: string,
): Promise<{ file?: ContractFile; problems: ContractProblem[] }> {
  const rel = toPosix(relative(root, abs));
  const fail = (message: string, pointer = '') => ({ problems: [{ file: rel, pointer, message }] });
  const text = await readFile(abs, 'utf8');
  if (Buffer.byteLength(text) > MAX_CONTRACT_BYTES) return fail(`file is larger than ${MAX_CONTRACT_BYTES} bytes`);
  const parsed = parseDocument(text, { merge: false, uniqueKeys: true });
  if (parsed.errors.length > 0) {
    return { problems: parsed.errors.map((e) => ({ file: rel, pointer: '', message: `YAML: ${e.message}` })) };
  }
  const doc: unknown = parsed.toJS({ maxAliasCount: 1000 });
  if (!isObject(doc)) return fail('the document is not a YAML mapping');

  const group = groupOf(rel);
  if (!group) return fail('contracts live in contracts/openapi/{common,process,system,platform}/ or contracts/asyncapi/');
  const kind = group === 'events' ? 'asyncapi' : 'openapi';
  if (kind === 'openapi' && typeof doc.openapi !== 'string') return fail("missing 'openapi' version", '/openapi');
  if (kind === 'asyncapi' && typeof doc.asyncapi !== 'string') return fail("missing 'asyncapi' version", '/asyncapi');

  const file: ContractFile = { rel, abs, kind, group, doc, sha256: createHash('sha256').update(text).digest('hex') };
  if (group === 'process' || group === 'system' || group === 'platform') {
    const m = VERSIONED_NAME.exec(basename(abs));
    if (!m) return fail('API contract files are named <name>.v<major>.yaml, e.g. orders.v1.yaml');
    file.api = m[1];
    file.version = Number(m[2]);
  }
  return { file, problems: [] };
}
