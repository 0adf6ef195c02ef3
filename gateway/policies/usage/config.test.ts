import { DEFAULT_FLUSH_INTERVAL_MS, DEFAULT_MAX_KEYS, UsageConfigError, configSchema, parseUsageConfig, usagePolicy } from './index';

describe('usage config', () => {
  test('defaults: flush every 5 s, at most 100 000 counters in memory', () => {
    expect(parseUsageConfig()).toEqual({ flushIntervalMs: DEFAULT_FLUSH_INTERVAL_MS, maxKeys: DEFAULT_MAX_KEYS });
    expect(parseUsageConfig({})).toEqual({ flushIntervalMs: 5_000, maxKeys: 100_000 });
    expect(parseUsageConfig({ flushIntervalMs: 1_000 })).toEqual({ flushIntervalMs: 1_000, maxKeys: 100_000 });
  });

  test('reports every problem at once, naming the field; unknown fields are rejected', () => {
    const attempt = () => parseUsageConfig({ flushIntervalMs: 1.5, maxKeys: 0, extra: true });
    expect(attempt).toThrow(UsageConfigError);
    expect(attempt).toThrow(/^usage config: /);
    expect(attempt).toThrow(/flushIntervalMs must be integer/);
    expect(attempt).toThrow(/maxKeys must be >= 1/);
    expect(attempt).toThrow(/extra is not a known field/);
  });

  test('does not modify its input', () => {
    const input = {};
    parseUsageConfig(input);
    expect(input).toEqual({});
  });

  test('the descriptor has its name and schema, and validates before building', () => {
    expect(usagePolicy.name).toBe('usage');
    expect(usagePolicy.configSchema).toBe(configSchema);
    expect(() => usagePolicy.create({ maxKeys: -1 }, { db: { query: async () => ({ rows: [] }) } })).toThrow(UsageConfigError);
  });
});
