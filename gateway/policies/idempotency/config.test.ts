import Ajv from 'ajv';
import { IdempotencyConfigError, configSchema, parseIdempotencyConfig } from './config';

describe('idempotency config', () => {
  test('defaults: 24 h retention, 60 s claims', () => {
    expect(parseIdempotencyConfig()).toEqual({ ttlSeconds: 86_400, lockSeconds: 60, redisKeyPrefix: 'concord:idem' });
  });

  test('given values are kept and the input is not modified', () => {
    const input = { ttlSeconds: 3600 };
    expect(parseIdempotencyConfig(input)).toEqual({ ttlSeconds: 3600, lockSeconds: 60, redisKeyPrefix: 'concord:idem' });
    expect(input).toEqual({ ttlSeconds: 3600 });
  });

  test('bad values name their field', () => {
    expect(() => parseIdempotencyConfig({ ttlSeconds: 0 })).toThrow(new IdempotencyConfigError('idempotency config: ttlSeconds must be >= 1'));
    expect(() => parseIdempotencyConfig({ ttl: 5 })).toThrow('ttl is not a known field');
    expect(() => parseIdempotencyConfig({ ttlSeconds: 30, lockSeconds: 60 })).toThrow('lockSeconds must not exceed ttlSeconds');
  });

  test('the schema compiles in ajv strict mode on its own', () => {
    expect(() => new Ajv({ strict: true }).compile(configSchema)).not.toThrow();
  });
});
