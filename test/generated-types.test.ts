import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from '../platform/testing/temp-dir';

/** Type-checks one file with the project's compiler options, returning the 1-based lines that have errors. */
function typeErrorLines(file: string): { lines: Set<number>; messages: string[] } {
  const configPath = join(REPO_ROOT, 'tsconfig.json');
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, REPO_ROOT);
  const program = ts.createProgram([file], { ...parsed.options, noEmit: true });
  const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file);
  const lines = new Set<number>();
  const messages: string[] = [];
  for (const d of diagnostics) {
    const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
    lines.add(line + 1);
    messages.push(`${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0]}`);
  }
  return { lines, messages };
}

describe('generated clients and handler interfaces', () => {
  it('a correct use of the orders client and handler interface type-checks', () => {
    const { messages } = typeErrorLines(join(REPO_ROOT, 'test/fixtures/client-usage.ts'));
    expect(messages).toEqual([]);
  });

  it('each deliberately wrong call fails to type-check on its own line', () => {
    const file = join(REPO_ROOT, 'test/fixtures/client-misuse.ts');
    const source = readFileSync(file, 'utf8').split('\n');
    // A marker on its own line applies to the next line, as with @ts-expect-error.
    const expected = source.flatMap((text, i) =>
      text.includes('// @expect-error') ? [text.trim().startsWith('//') ? i + 2 : i + 1] : [],
    );
    const { lines, messages } = typeErrorLines(file);
    expect(expected.length).toBe(6);
    for (const line of expected) expect(`line ${line}: ${lines.has(line)}`).toBe(`line ${line}: true`);
    // Nothing else in the file is wrong, so each error is the one the marker names.
    expect([...lines].filter((l) => !expected.includes(l))).toEqual([]);
    expect(messages.length).toBeGreaterThanOrEqual(expected.length);
  });
});
