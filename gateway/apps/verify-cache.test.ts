import { createVerifyCache } from './verify-cache';

describe('verification cache', () => {
  let t = 0;
  const now = () => t;
  beforeEach(() => {
    t = 1_000;
  });

  it('keeps a success for the TTL and no longer', () => {
    const cache = createVerifyCache<string>({ ttlMs: 100, now });
    cache.set('k', 'app_a', 'v', cache.generation());
    t += 99;
    expect(cache.get('k')).toBe('v');
    t += 1;
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('drops every entry of an app at once on invalidate, and only that app', () => {
    const cache = createVerifyCache<string>({ ttlMs: 100, now });
    const g = cache.generation();
    cache.set('secret', 'app_a', 'a', g);
    cache.set('key', 'app_a', 'a', g);
    cache.set('other', 'app_b', 'b', g);
    cache.invalidate('app_a');
    expect([cache.get('secret'), cache.get('key'), cache.get('other')]).toEqual([undefined, undefined, 'b']);
  });

  it('does not store a check that started before an invalidation', () => {
    const cache = createVerifyCache<string>({ ttlMs: 100, now });
    const before = cache.generation();
    cache.invalidate('app_a');
    cache.set('k', 'app_a', 'stale', before);
    expect(cache.get('k')).toBeUndefined();
  });

  it('evicts the oldest entry beyond maxEntries', () => {
    const cache = createVerifyCache<string>({ ttlMs: 100, now, maxEntries: 2 });
    const g = cache.generation();
    cache.set('1', 'app_a', 'a', g);
    cache.set('2', 'app_b', 'b', g);
    cache.set('3', 'app_c', 'c', g);
    expect([cache.get('1'), cache.get('2'), cache.get('3')]).toEqual([undefined, 'b', 'c']);
  });

  it('stores nothing with a TTL of 0', () => {
    const cache = createVerifyCache<string>({ ttlMs: 0, now });
    cache.set('k', 'app_a', 'v', cache.generation());
    expect(cache.get('k')).toBeUndefined();
  });
});
