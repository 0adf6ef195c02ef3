import { brokenStatement, createStatementNames, isStalePlan } from './statement-names';

describe('statement names', () => {
  it('names a text from its second use on, and keeps the name', () => {
    const names = createStatementNames();
    expect(names.nameFor('SELECT $1', true)).toBeUndefined();
    const name = names.nameFor('SELECT $1', true);
    expect(name).toMatch(/^concord_\d+$/);
    expect(names.nameFor('SELECT $1', true)).toBe(name);
    expect(names.nameFor('SELECT $1::int', true)).toBeUndefined();
  });

  it('never names parameterless SQL, which may hold several statements', () => {
    const names = createStatementNames({ threshold: 1 });
    expect(names.nameFor('CREATE TABLE a (); CREATE TABLE b ()', false)).toBeUndefined();
    expect(names.nameFor('CREATE TABLE a (); CREATE TABLE b ()', false)).toBeUndefined();
    expect(names.size).toBe(0);
  });

  it('stops naming at the cap, so SQL that embeds values cannot grow the server without bound', () => {
    const names = createStatementNames({ threshold: 1, max: 3 });
    for (let i = 0; i < 10; i += 1) names.nameFor(`SELECT ${i} WHERE $1`, true);
    expect(names.size).toBe(3);
    expect(names.nameFor('SELECT 0 WHERE $1', true)).toBe('concord_1');
    expect(names.nameFor('SELECT 9 WHERE $1', true)).toBeUndefined();
  });

  it('runs a forgotten text unnamed and never hands its name to another text', () => {
    const names = createStatementNames({ threshold: 1 });
    const first = names.nameFor('SELECT a FROM t WHERE $1', true);
    names.forget('SELECT a FROM t WHERE $1');
    expect(names.nameFor('SELECT a FROM t WHERE $1', true)).toBeUndefined();
    expect(names.nameFor('SELECT a FROM t WHERE $1', true)).toBeUndefined();
    const second = names.nameFor('SELECT b FROM t WHERE $1', true);
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
  });

  it('recognises only the stale-plan error', () => {
    expect(isStalePlan(Object.assign(new Error('cached plan must not change result type'), { code: '0A000' }))).toBe(true);
    expect(isStalePlan(Object.assign(new Error('feature not supported'), { code: '0A000' }))).toBe(false);
    expect(isStalePlan(null)).toBe(false);
  });

  it('tells a statement to run again unnamed from one to stop naming and from an ordinary error', () => {
    expect(brokenStatement(Object.assign(new Error('cached plan must not change result type'), { code: '0A000' }))).toBe('retry');
    expect(brokenStatement(Object.assign(new Error('prepared statement "concord_3" does not exist'), { code: '26000' }))).toBe('retry');
    expect(brokenStatement(new TypeError('Do not know how to serialize a BigInt'))).toBe('forget');
    expect(brokenStatement(Object.assign(new Error('duplicate key value'), { code: '23505' }))).toBeUndefined();
    expect(brokenStatement(new Error('timeout exceeded when trying to connect'))).toBeUndefined();
  });
});
