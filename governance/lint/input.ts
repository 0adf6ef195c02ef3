import { readFile, stat } from 'node:fs/promises';
import { extname, relative, resolve, sep } from 'node:path';
import { DEFAULT_MAX_FILE_MB } from '../model/document-set';

/** One limit for lint and diff: --max-file-size, default DEFAULT_MAX_FILE_MB. */
export const MAX_CONTRACT_BYTES = DEFAULT_MAX_FILE_MB * 1024 * 1024;
const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** Bad input named by file, printed as is: the CLI shows the message, never a stack, and exits 2 (bad usage). */
export class LintInputError extends Error {
  override readonly name = 'LintInputError';
  readonly exitCode = 2;

  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? (problems[0] ?? '') : `${problems.length} files cannot be linted:\n  ${problems.join('\n  ')}`);
  }
}

export interface LintInput {
  abs: string;
  text: string;
}

const display = (root: string, abs: string) => {
  const rel = relative(root, abs);
  return (rel === '' ? '.' : rel.startsWith('..') ? abs : rel).split(sep).join('/');
};

async function readOne(root: string, abs: string, maxBytes: number): Promise<LintInput | string> {
  const name = display(root, abs);
  let size: number;
  try {
    const st = await stat(abs);
    if (st.isDirectory()) return `${name}: is a directory; name contract files, or none to lint every contract`;
    size = st.size;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? `${name}: no such file` : `${name}: cannot be read (${code ?? String(err)})`;
  }
  if (!EXTENSIONS.has(extname(abs).toLowerCase())) return `${name}: not a YAML or JSON file (expected .yaml, .yml or .json)`;
  if (size > maxBytes) return `${name}: ${size} bytes is over the ${Math.round((maxBytes / 1024 / 1024) * 10) / 10} MB limit for a contract file (raise --max-file-size)`;
  const text = await readFile(abs, 'utf8');
  if (text.includes('\u0000')) return `${name}: not a text file`;
  return { abs, text };
}

/** Reads every file to lint, or reports every bad one at once. */
export async function readInputs(root: string, files: readonly string[], maxBytes = MAX_CONTRACT_BYTES): Promise<LintInput[]> {
  const unique = [...new Set(files.map((f) => resolve(root, f)))];
  const read = await Promise.all(unique.map((abs) => readOne(root, abs, maxBytes)));
  const problems = read.filter((r): r is string => typeof r === 'string');
  if (problems.length > 0) throw new LintInputError(problems);
  return read as LintInput[];
}

export { display as displayPath };
