import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { parseDocument } from 'yaml';
import { toPosix } from './discover';
import type { ContractProfile } from './profile';
import { isOpenApi30, normalizeOpenApi30 } from './profile';
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

/**
 * Where a file sits decides what it is. `package`: the repository layout (`contracts/openapi/<group>/…`), paths
 * relative to the root. `dir`: a directory of OpenAPI documents named by the catalogue, outside the package;
 * files are named `<directory name>/<path in it>` (the same on every machine, so generated headers are stable),
 * documents with `paths` are APIs and the others shared components.
 */
export type ContractLayout = { kind: 'package' } | { kind: 'dir'; profile: ContractProfile };

/** Reads and parses one contract file. Problems are returned, never thrown. */
export async function readContract(
  root: string,
  abs: string,
  layout: ContractLayout = { kind: 'package' },
): Promise<{ file?: ContractFile; problems: ContractProblem[] }> {
  const rel = toPosix(layout.kind === 'package' ? relative(root, abs) : join(basename(root), relative(root, abs)));
  const fail = (message: string, pointer = '') => ({ problems: [{ file: rel, pointer, message }] });
  const text = await readFile(abs, 'utf8');
  if (Buffer.byteLength(text) > MAX_CONTRACT_BYTES) return fail(`file is larger than ${MAX_CONTRACT_BYTES} bytes`);
  const parsed = parseDocument(text, { merge: false, uniqueKeys: true });
  if (parsed.errors.length > 0) {
    return { problems: parsed.errors.map((e) => ({ file: rel, pointer: '', message: `YAML: ${e.message}` })) };
  }
  const doc: unknown = parsed.toJS({ maxAliasCount: 1000 });
  if (!isObject(doc)) return fail('the document is not a YAML mapping');

  // 3.0 schemas are rewritten once here, so that every validator downstream speaks JSON Schema 2020-12.
  if (isOpenApi30(doc)) normalizeOpenApi30(doc);
  if (layout.kind === 'dir') return readExternal(rel, abs, doc, text, layout.profile);

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

/** A document of a catalogue contract directory: any name under the import profile, `<name>.v<major>.yaml` otherwise. */
function readExternal(rel: string, abs: string, doc: Record<string, unknown>, text: string, profile: ContractProfile) {
  const fail = (message: string, pointer = '') => ({ problems: [{ file: rel, pointer, message }] });
  if (typeof doc.openapi !== 'string') return fail("missing 'openapi' version (catalogue contract directories hold OpenAPI documents)", '/openapi');
  if (profile.name === 'concord' && !doc.openapi.startsWith('3.1')) {
    return fail(`OpenAPI ${doc.openapi}: Concord's profile needs 3.1 (declare the directory with profile: import for 3.0 documents)`, '/openapi');
  }
  const sha256 = createHash('sha256').update(text).digest('hex');
  if (!isObject(doc.paths)) return { file: { rel, abs, kind: 'openapi' as const, group: 'common' as const, doc, sha256 }, problems: [] };
  const m = VERSIONED_NAME.exec(basename(abs));
  let api = m?.[1];
  let version = m ? Number(m[2]) : undefined;
  if (!m) {
    if (profile.name === 'concord') return fail('API contract files are named <name>.v<major>.yaml, e.g. loyalty.v1.yaml');
    // Import: the file name is the API's name, the major of info.version its version.
    api = basename(abs).replace(/\.ya?ml$/, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^[^a-z]+|-+$/g, '') || 'api';
    const major = /^v?(\d+)/.exec(String(isObject(doc.info) ? doc.info.version : ''));
    version = major ? Math.max(1, Number(major[1])) : 1;
  }
  const file: ContractFile = { rel, abs, kind: 'openapi', group: 'process', doc, sha256, api: api!, version: version!, profile };
  return { file, problems: [] };
}
