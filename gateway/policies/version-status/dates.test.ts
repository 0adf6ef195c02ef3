import { formatDeprecation, formatSunset, parseContractDate } from './dates';

describe('version lifecycle dates', () => {
  it('reads a bare RFC 3339 date as the start of that day in UTC', () => {
    expect(parseContractDate('2027-06-30')?.toISOString()).toBe('2027-06-30T00:00:00.000Z');
  });

  it('reads date-times with an offset', () => {
    expect(parseContractDate('2027-06-30T12:00:00+02:00')?.toISOString()).toBe('2027-06-30T10:00:00.000Z');
    expect(parseContractDate('2027-06-30T12:00Z')?.toISOString()).toBe('2027-06-30T12:00:00.000Z');
  });

  it('refuses what is not an RFC 3339 date, or not a real calendar date', () => {
    for (const bad of ['30/06/2027', '2027-6-30', '2027-06-30T12:00:00', 'Wed, 30 Jun 2027 00:00:00 GMT', '2027-02-30', '2027-13-01', '']) {
      expect({ bad, date: parseContractDate(bad) }).toEqual({ bad, date: undefined });
    }
  });

  it('writes Deprecation as an RFC 9651 Date: @ and whole seconds since the epoch', () => {
    expect(formatDeprecation(new Date('2026-11-23T00:00:00Z'))).toBe('@1795392000');
    expect(formatDeprecation(new Date('1970-01-01T00:00:01.999Z'))).toBe('@1');
  });

  it('writes Sunset as an IMF-fixdate (RFC 9110 HTTP-date)', () => {
    expect(formatSunset(new Date('2027-06-30T00:00:00Z'))).toBe('Wed, 30 Jun 2027 00:00:00 GMT');
    expect(formatSunset(new Date('2027-01-05T09:08:07Z'))).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  });
});
