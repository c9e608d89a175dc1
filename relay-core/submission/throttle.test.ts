import { describe, expect, it } from 'vitest';
import { AuthThrottle, clientKeyOf } from './throttle.ts';

describe('AuthThrottle', () => {
  it('throttles a client after `limit` failures within the window, until the oldest leaves it', () => {
    let now = 0;
    const throttle = new AuthThrottle({ limit: 3, windowMs: 1000, now: () => now });
    throttle.recordFailure('192.0.2.1');
    now = 100;
    throttle.recordFailure('192.0.2.1');
    expect(throttle.isThrottled('192.0.2.1')).toBe(false);
    throttle.recordFailure('192.0.2.1');
    expect(throttle.isThrottled('192.0.2.1')).toBe(true);
    expect(throttle.isThrottled('192.0.2.2')).toBe(false);
    now = 1000;
    expect(throttle.isThrottled('192.0.2.1')).toBe(false);
    throttle.recordFailure('192.0.2.1');
    expect(throttle.isThrottled('192.0.2.1')).toBe(true);
    now = 2101;
    expect(throttle.isThrottled('192.0.2.1')).toBe(false);
  });

  it('counts an IPv6 client by its /64, so rotating addresses does not help', () => {
    const throttle = new AuthThrottle({ limit: 2, windowMs: 60_000 });
    throttle.recordFailure('2001:db8:1:2::1');
    throttle.recordFailure('2001:db8:1:2:ffff::9');
    expect(throttle.isThrottled('2001:0db8:0001:0002:1234:5678:9abc:def0')).toBe(true);
    expect(throttle.isThrottled('2001:db8:1:3::1')).toBe(false);
  });

  it('keys IPv4 by address and IPv6 by expanded /64', () => {
    expect(clientKeyOf('192.0.2.1')).toBe('192.0.2.1');
    expect(clientKeyOf('::1')).toBe('0:0:0:0::/64');
    expect(clientKeyOf('2001:db8::ffff:1.2.3.4')).toBe('2001:db8:0:0::/64');
    expect(clientKeyOf('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});
