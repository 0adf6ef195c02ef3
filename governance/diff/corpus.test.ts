import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import type { Level } from '../types';
import { LEVELS } from '../types';
import { diffFiles } from './index';
import { RULES } from './rules';

/**
 * The fixture corpus of `concord contracts diff` (governance/fixtures/README.md): one folder per pair of
 * contracts, `base.yaml` → `revision.yaml`, and `expected.json` with the exact multiset of (id, level) the
 * engine must report.
 */
const CORPUS = join(__dirname, '..', 'fixtures', 'diff');

interface ExpectedChange {
  id: string;
  level: Level;
}

interface Expected {
  description: string;
  today: string;
  minSunsetDays?: number;
  changes: ExpectedChange[];
}

interface Case {
  name: string;
  dir: string;
  expected: Expected;
}

function loadCases(): Case[] {
  return readdirSync(CORPUS)
    .filter((name) => statSync(join(CORPUS, name)).isDirectory())
    .sort()
    .map((name) => {
      const dir = join(CORPUS, name);
      const file = join(dir, 'expected.json');
      const expected = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Expected) : ({ description: '', today: '', changes: [] } as Expected);
      return { name, dir, expected };
    });
}

const cases = loadCases();

/** `error operation-removed`: sorted, so the comparison ignores order and a mismatch reads as a diff. */
const keys = (changes: readonly { id: string; level: string }[]) => changes.map((c) => `${c.level} ${c.id}`).sort();

const BREAKING = 'breaking-change-needs-new-major';

/**
 * Deprecation-policy errors: the contract breaks Concord's rules, not its clients. They never call for a new
 * major and are not downgraded across majors. Kept here, not taken from the engine, so the corpus checks itself.
 */
const POLICY_IDS = new Set(['deprecated-without-sunset', 'sunset-too-soon', 'sunset-removed']);
const breaks = (id: string, level: Level) => level === 'error' && !POLICY_IDS.has(id);

function major(file: string): string {
  const doc = parse(readFileSync(file, 'utf8')) as { info?: { version?: unknown } };
  return String(doc.info?.version ?? '').split('.')[0] ?? '';
}

describe('contracts diff: fixture corpus', () => {
  it.each(cases)('$name', async ({ name, dir, expected }) => {
    const { changes } = await diffFiles(join(dir, 'base.yaml'), join(dir, 'revision.yaml'), {
      today: expected.today,
      minSunsetDays: expected.minSunsetDays ?? 180,
    });
    const actual = keys(changes);
    const want = keys(expected.changes);
    if (!isDeepStrictEqual(actual, want)) {
      // The id/level diff below says what is wrong; this says where the engine saw each change.
      const lines = changes.map((c) => `  ${c.level} ${c.id} at ${c.location.pointer}${c.location.operation ? ` (${c.location.operation})` : ''}: ${c.message}`);
      console.log(`${name}: ${expected.description}\nthe engine reported:\n${lines.join('\n') || '  nothing'}`);
    }
    expect(actual).toEqual(want);
  });
});

describe('contracts diff: the corpus itself', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases)('$name is a well-formed pair', ({ dir, expected }) => {
    expect(existsSync(join(dir, 'base.yaml'))).toBe(true);
    expect(existsSync(join(dir, 'revision.yaml'))).toBe(true);
    expect(existsSync(join(dir, 'expected.json'))).toBe(true);
    expect(typeof expected.description).toBe('string');
    expect(expected.description.length).toBeGreaterThan(0);
    expect(expected.today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    if (expected.minSunsetDays !== undefined) expect(Number.isInteger(expected.minSunsetDays)).toBe(true);
    expect(Array.isArray(expected.changes)).toBe(true);
    for (const change of expected.changes) {
      expect(Object.keys(change).sort()).toEqual(['id', 'level']);
      expect(LEVELS).toContain(change.level);
    }
  });

  it('names only rule ids that exist in RULES', () => {
    const unknown = cases.flatMap((c) => c.expected.changes.filter((ch) => !RULES.has(ch.id)).map((ch) => `${c.name}: ${ch.id}`));
    expect(unknown).toEqual([]);
  });

  // Catches a typo in a level, and a forgotten or extra breaking-change-needs-new-major.
  it.each(cases)('$name expects the levels RULES gives, and the major-version policy', ({ dir, expected }) => {
    const sameMajor = major(join(dir, 'base.yaml')) === major(join(dir, 'revision.yaml'));
    const own = expected.changes.filter((c) => c.id !== BREAKING && RULES.has(c.id));
    // Inside a major every change keeps its rule's level, and any breaking one adds one breaking-change-needs-new-major;
    // a new major turns the breaking ones into its migration list (info).
    const want = own.map((c) => {
      const level = (RULES.get(c.id) as { level: Level }).level;
      return { id: c.id, level: sameMajor || !breaks(c.id, level) ? level : 'info' };
    });
    const breaking = sameMajor && want.some((c) => breaks(c.id, c.level)) ? [{ id: BREAKING, level: 'error' }] : [];
    expect(keys(expected.changes)).toEqual(keys([...want, ...breaking]));
  });

  /** What issue 7 asks the corpus to cover, by rule id. */
  const REQUIRED_IDS = [
    // paths and operations
    'path-removed',
    'operation-removed',
    'deprecated-operation-removed-before-sunset',
    'deprecated-operation-removed-after-sunset',
    // parameters
    'request-parameter-added-required',
    'request-parameter-added-optional',
    'request-parameter-became-required',
    'request-parameter-removed',
    'request-parameter-type-changed',
    'request-parameter-type-generalized',
    'request-parameter-limit-tightened',
    'request-parameter-limit-loosened',
    'request-parameter-pattern-added',
    'request-parameter-enum-value-removed',
    // request body
    'request-body-became-required',
    'request-body-media-type-removed',
    'request-body-property-added-required',
    'request-body-property-became-required',
    'request-body-type-changed',
    'request-body-became-not-nullable',
    'request-body-became-nullable',
    'request-body-enum-value-removed',
    'request-body-enum-value-added',
    'request-body-branch-removed',
    // responses
    'response-success-status-removed',
    'response-error-status-removed',
    'response-media-type-removed',
    'response-body-property-removed-required',
    'response-body-property-removed-optional',
    'response-body-property-became-optional',
    'response-body-became-nullable',
    'response-body-type-changed',
    'response-body-enum-value-added',
    'response-body-branch-added',
    'response-body-property-added-optional',
    'response-header-removed',
    'response-header-became-optional',
    // security
    'security-scope-added',
    'security-scope-removed',
    // deprecation policy
    'operation-deprecated',
    'deprecated-without-sunset',
    'sunset-too-soon',
    'sunset-removed',
    // AsyncAPI
    'sent-message-payload-property-removed-required',
    'received-message-payload-property-added-required',
    'sent-message-payload-property-added-optional',
    'sent-message-payload-enum-value-added',
    'received-message-payload-enum-value-added',
    'sent-message-header-property-removed-required',
    'sent-message-header-type-changed',
    'message-removed',
    'channel-removed',
    'channel-address-changed',
    'send-operation-removed',
    'receive-operation-removed',
    // versions
    BREAKING,
  ];

  /** Coverage items of issue 7 that are not a rule id: pairs that must report nothing, and the policy knobs. */
  const REQUIRED_CASES = [
    'refactor-inline-schema-to-component-ref',
    'refactor-inline-schema-to-external-ref',
    'refactor-path-parameter-renamed',
    'refactor-cosmetic-only',
    'operation-removed-deprecated-after-sunset-op-sunset',
    'operation-removed-deprecated-after-sunset-root-sunset',
    'path-removed-two-operations',
    'request-body-anyof-branch-removed',
    'request-body-oneof-branch-removed',
    'request-body-nested-property-added-required',
    'sunset-too-soon-ok-with-min-30',
    'deprecated-properly',
    'new-major-breaking-changes',
  ];

  it('covers every rule id issue 7 lists', () => {
    // The schema-change ids are one kind in many places; one pair per kind and place would be 200 fixtures saying
    // the same thing. CORPUS_REPORT=1 lists the ids without a pair.
    const covered = new Set(cases.flatMap((c) => c.expected.changes.map((ch) => ch.id)));
    if (process.env.CORPUS_REPORT) {
      const uncovered = [...RULES.keys()].filter((id) => !covered.has(id));
      process.stdout.write(`diff corpus: ${cases.length} pairs, ${covered.size} of ${RULES.size} rule ids covered; without a pair:\n  ${uncovered.join('\n  ')}\n`);
    }
    expect(REQUIRED_IDS.filter((id) => !covered.has(id))).toEqual([]);
  });

  it('has the pairs issue 7 lists that no rule id stands for', () => {
    const names = new Set(cases.map((c) => c.name));
    expect(REQUIRED_CASES.filter((name) => !names.has(name))).toEqual([]);
    for (const name of REQUIRED_CASES.filter((n) => n.startsWith('refactor-'))) {
      expect(cases.find((c) => c.name === name)?.expected.changes).toEqual([]);
    }
  });
});
