/**
 * Builds governance/fixtures/oasdiff/ from a checkout of oasdiff (Apache-2.0): the spec pairs its checker tests
 * load unmodified from `data/`, with the verdict each test expects. Only the YAML spec pairs are copied, never
 * oasdiff's Go code; the Go test files are read to learn which pair means what.
 *
 *   tsx bench/governance/build-oasdiff-corpus.ts <oasdiff git dir> [commit]
 *
 * A test qualifies when it opens exactly two files with `open("../data/...")` and does not edit the loaded
 * specs in Go before diffing. Its expected verdict is breaking when it asserts an ERR level, or when the rule ids
 * it names default to ERR in oasdiff's rules table; `require.Empty(errs)` means not breaking.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import type { AgreementCase } from '../../governance/diff/agreement';

const [gitDir, commit = 'HEAD'] = process.argv.slice(2);
if (!gitDir) {
  process.stderr.write('usage: build-oasdiff-corpus.ts <oasdiff git dir> [commit]\n');
  process.exit(2);
}
const git = (...args: string[]) => execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
const sha = git('rev-parse', commit).trim();
const show = (path: string) => git('show', `${sha}:${path}`);
const files = git('ls-tree', '-r', '--name-only', sha, 'checker/').split('\n').filter(Boolean);

// Go constant name -> rule id, and rule id -> default level.
const constToId = new Map<string, string>();
for (const f of files.filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'))) {
  for (const m of show(f).matchAll(/(\w+Id)\s*=\s*"([^"]+)"/g)) constToId.set(m[1] as string, m[2] as string);
}
const idLevel = new Map<string, string>();
for (const m of show('checker/rules.go').matchAll(/newBackwardCompatibilityRule\((\w+),\s*(ERR|WARN|INFO)/g)) {
  const id = constToId.get(m[1] as string);
  if (id) idLevel.set(id, m[2] as string);
}

/** The harness's case, as written to manifest.json, with every test that loads the pair. */
type Case = Omit<AgreementCase, 'deliberate'> & { tests?: string[] };
const HELPERS: Record<string, string> = { deprecationFile: 'deprecation', paramDeprecationFile: 'param-deprecation', requiredPropertyFile: 'required-properties' };
const cases: Case[] = [];
const dataFiles = new Set<string>();
for (const f of files.filter((f) => f.endsWith('_test.go'))) {
  const src = show(f);
  const funcs = src.split(/\nfunc /).slice(1);
  for (const fn of funcs) {
    const name = /^(Test\w+)/.exec(fn)?.[1];
    if (!name) continue;
    const opens = [
      ...fn.matchAll(/open\((?:"\.\.\/(data\/[^"]+\.(?:ya?ml|json))"|(deprecationFile|paramDeprecationFile|requiredPropertyFile)\("([^"]+\.ya?ml)"\))/g),
    ].map((m) => m[1] ?? `data/${HELPERS[m[2] as string] as string}/${m[3] as string}`);
    if (opens.length !== 2 || opens[0] === opens[1] || /open\("\.\.\/data\/[^"]*"\s*\+/.test(fn)) continue;
    // A deprecation policy in days (oasdiff's stable minimum) is carried over as Concord's --min-sunset-days.
    // A test that runs one request (or response) check judges only that side; the harness does the same.
    const single = /singleCheckConfig\(checker\.(Request|Response)/.exec(fn)?.[1];
    const policy = /WithDeprecation\((\d+),\s*(\d+)\)/.exec(fn);
    // Specs edited in Go, loaded some other way, or checked with a non-default configuration are not pure pairs.
    if (/\.Spec\.[^\n]*[^=!:]=[^=]|Value\.\w+\s*=[^=]|\bs[12]\.(Spec|Url)\b[^\n]*=/.test(fn) || /\bl\(t,|loadFrom|WithOptionalCheck|WithAttributes|NewConfig\(\)\.With|WithBreakingOnly|IncludePathParams|ExcludeElements|MatchPath|PathPrefix|PathStrip|WithFlatten|MergeAllOf|withoutVersioningPolicy|WithVersioning/.test(fn)) continue;
    const ids = [...new Set([...fn.matchAll(/checker\.(\w+Id)\b/g)].map((m) => constToId.get(m[1] as string)).filter((x): x is string => !!x))];
    const levels = [...fn.matchAll(/Level:\s*checker\.(ERR|WARN|INFO)|checker\.(ERR|WARN|INFO),\s*\w+\.GetLevel\(\)|GetLevel\(\)\s*==\s*checker\.(ERR|WARN|INFO)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
    const empty = /require\.Empty\(t, errs\)|require\.Len\(t, errs, 0\)|require\.Empty\(t, checker\.|require\.Empty\(t, changes\)/.test(fn);
    let breaking: boolean;
    if (empty && ids.length === 0) breaking = false;
    else if (levels.length > 0) breaking = levels.includes('ERR');
    else if (ids.length > 0) breaking = ids.some((id) => idLevel.get(id) === 'ERR');
    else continue;
    const [base, revision] = opens as [string, string];
    cases.push({ name, test: f, base, revision, breaking, oasdiffIds: ids, ...(policy ? { minSunsetDays: Number(policy[2]) } : {}), ...(single ? { scope: single.toLowerCase() as 'request' | 'response' } : {}) });
    dataFiles.add(base);
    dataFiles.add(revision);
  }
}

// One case per pair. A test that runs one check asserts that check's verdict, not the pair's: when another test
// finds the same pair breaking, oasdiff with all its checks calls the pair breaking.
const byPair = new Map<string, Case>();
for (const c of cases) {
  const key = `${c.base}|${c.revision}`;
  const seen = byPair.get(key);
  if (!seen) byPair.set(key, { ...c, tests: [c.name] });
  else {
    seen.breaking ||= c.breaking;
    seen.oasdiffIds = [...new Set([...seen.oasdiffIds, ...c.oasdiffIds])];
    seen.tests?.push(c.name);
    if (seen.scope !== c.scope) delete seen.scope;
    if (c.minSunsetDays !== undefined && seen.minSunsetDays !== c.minSunsetDays) seen.minSunsetDays = Math.max(seen.minSunsetDays ?? 0, c.minSunsetDays);
  }
}
cases.splice(0, cases.length, ...byPair.values());
const out = join(__dirname, '../../governance/fixtures/oasdiff');
// Files a spec $refs are copied too, so that every pair loads exactly as in oasdiff.
const pending = [...dataFiles];
const copied = new Set<string>();
while (pending.length > 0) {
  const path = pending.pop() as string;
  if (copied.has(path)) continue;
  let text: string;
  try {
    text = show(path);
  } catch {
    continue;
  }
  copied.add(path);
  mkdirSync(dirname(join(out, path)), { recursive: true });
  writeFileSync(join(out, path), text);
  for (const m of text.matchAll(/\$ref['"]?\s*:\s*['"]?([^'"#\s]+\.(?:ya?ml|json))/g)) {
    const ref = m[1] as string;
    if (/^https?:/.test(ref)) continue;
    pending.push(posix.normalize(posix.join(posix.dirname(path), ref)));
  }
}
writeFileSync(
  join(out, 'manifest.json'),
  `${JSON.stringify({ source: 'https://github.com/oasdiff/oasdiff', license: 'Apache-2.0', commit: sha, cases }, null, 2)}\n`,
);
process.stderr.write(`${cases.length} pairs (${cases.filter((c) => c.breaking).length} breaking), ${copied.size} files\n`);
