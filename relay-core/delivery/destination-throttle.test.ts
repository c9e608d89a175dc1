import { describe, expect, it } from 'vitest';
import { DestinationThrottle } from './destination-throttle.ts';

describe('destination throttle', () => {
  it('pauses a destination, then lets it have one session, then its normal limit', () => {
    let now = 0;
    const throttle = new DestinationThrottle({ pauseMs: 1000, now: () => now });
    expect(throttle.limit('d.test', 20)).toBe(20);
    throttle.signal('d.test');
    expect(throttle.limit('d.test', 20)).toBe(0);
    expect(throttle.paused()).toEqual(['d.test']);
    expect(throttle.limit('other.test', 20)).toBe(20);
    now = 1000;
    expect(throttle.limit('d.test', 20)).toBe(1);
    expect(throttle.paused()).toEqual([]);
    now = 11_000;
    expect(throttle.limit('d.test', 20)).toBe(20);
    expect(throttle.status()).toEqual({});
  });

  it('doubles the pause on each signal while slowed down, up to 16 times, and forgets once the slow period ends', () => {
    let now = 0;
    const throttle = new DestinationThrottle({ pauseMs: 1000, now: () => now });
    const pauses: number[] = [];
    for (let i = 0; i < 7; i++) {
      throttle.signal('d.test');
      const until = throttle.status()['d.test']!.until.getTime();
      pauses.push((until - now) / 11);
    }
    expect(pauses).toEqual([1000, 2000, 4000, 8000, 16_000, 16_000, 16_000]);
    now += 16_000 * 11;
    expect(throttle.limit('d.test', 5)).toBe(5);
    throttle.signal('d.test');
    expect((throttle.status()['d.test']!.until.getTime() - now) / 11).toBe(1000);
  });
});
