import { createCircuitBreaker } from './circuit-breaker';
import { retryAfterMs } from './retry-after';

describe('circuit breaker', () => {
  let t = 0;
  const now = () => t;
  beforeEach(() => {
    t = 1_000;
  });

  test('opens after the threshold of consecutive failures and refuses calls until openMs has passed', () => {
    const states: string[] = [];
    const b = createCircuitBreaker({ failureThreshold: 3, openMs: 10_000, now, onStateChange: (s) => states.push(s) });
    for (let i = 0; i < 2; i++) {
      expect(b.tryAcquire()).toBe(true);
      b.onFailure();
    }
    b.onSuccess(); // a success resets the count
    for (let i = 0; i < 3; i++) {
      expect(b.tryAcquire()).toBe(true);
      b.onFailure();
    }
    expect(b.state()).toBe('open');
    expect(b.tryAcquire()).toBe(false);
    expect(b.retryAt()).toBe(11_000);
    t = 11_000;
    expect(b.tryAcquire()).toBe(true); // the one trial call
    expect(b.state()).toBe('half_open');
    expect(b.tryAcquire()).toBe(false); // no second call while the trial runs
    b.onFailure();
    expect(b.state()).toBe('open');
    t = 21_000;
    expect(b.tryAcquire()).toBe(true);
    b.onSuccess();
    expect(b.state()).toBe('closed');
    expect(states).toEqual(['open', 'half_open', 'open', 'half_open', 'closed']);
  });

  test('a pause (Retry-After) refuses calls without counting a failure', () => {
    const b = createCircuitBreaker({ failureThreshold: 1, now });
    b.pauseUntil(5_000);
    expect(b.tryAcquire()).toBe(false);
    expect(b.state()).toBe('closed');
    expect(b.retryAt()).toBe(5_000);
    t = 5_000;
    expect(b.tryAcquire()).toBe(true);
  });
});

describe('Retry-After', () => {
  test('delay-seconds and HTTP dates; anything else is ignored', () => {
    expect(retryAfterMs('120', 0)).toBe(120_000);
    expect(retryAfterMs('Thu, 01 Jan 1970 00:00:30 GMT', 10_000)).toBe(20_000);
    expect(retryAfterMs('soon', 0)).toBeUndefined();
    expect(retryAfterMs(null, 0)).toBeUndefined();
  });
});
