import { MAX_KEY_LENGTH, readKeyHeader } from './key';

describe('Idempotency-Key header', () => {
  test('absent, bare token, and the draft\'s structured-field string', () => {
    expect(readKeyHeader(undefined)).toEqual({ kind: 'absent' });
    expect(readKeyHeader('8e03978e-40d5-43e8-bc93-6894a57f9324')).toEqual({ kind: 'key', key: '8e03978e-40d5-43e8-bc93-6894a57f9324' });
    expect(readKeyHeader('"8e03978e-40d5"')).toEqual({ kind: 'key', key: '8e03978e-40d5' });
    expect(readKeyHeader('"a\\"b\\\\c"')).toEqual({ kind: 'key', key: 'a"b\\c' });
    expect(readKeyHeader('  padded ')).toEqual({ kind: 'key', key: 'padded' });
  });

  test('length: 255 characters pass, 256 do not', () => {
    expect(readKeyHeader('k'.repeat(MAX_KEY_LENGTH))).toMatchObject({ kind: 'key' });
    expect(readKeyHeader('k'.repeat(MAX_KEY_LENGTH + 1))).toEqual({ kind: 'invalid', message: 'must be at most 255 characters' });
  });

  test('empty, malformed quoting, non-ASCII and repeated headers are invalid', () => {
    expect(readKeyHeader('')).toEqual({ kind: 'invalid', message: 'must not be empty' });
    expect(readKeyHeader('""')).toEqual({ kind: 'invalid', message: 'must not be empty' });
    expect(readKeyHeader('"open')).toMatchObject({ kind: 'invalid' });
    expect(readKeyHeader('"a"b"')).toMatchObject({ kind: 'invalid' });
    expect(readKeyHeader('"a\\nb"')).toMatchObject({ kind: 'invalid' });
    expect(readKeyHeader('clé')).toEqual({ kind: 'invalid', message: 'must be printable ASCII' });
    expect(readKeyHeader(['a', 'b'])).toEqual({ kind: 'invalid', message: 'must be sent once' });
  });
});
