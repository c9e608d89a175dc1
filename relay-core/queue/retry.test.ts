import { describe, expect, it } from 'vitest';
import { nextAttemptAt, retryDelayMs } from './retry.ts';

const schedule = { retryFirstMs: 300_000, retryMaxMs: 3_600_000, maxAgeMs: 5 * 86_400_000 };
const noJitter = () => 0.5;

describe('retry schedule', () => {
  it('waits about five minutes before the first retry, then doubles up to an hour', () => {
    expect([1, 2, 3, 4, 5, 6, 20].map((n) => retryDelayMs(schedule, n, noJitter))).toEqual([
      300_000, 600_000, 1_200_000, 2_400_000, 3_600_000, 3_600_000, 3_600_000,
    ]);
  });

  it('spreads retries by at most ten percent either way', () => {
    expect(retryDelayMs(schedule, 1, () => 0)).toBe(270_000);
    expect(retryDelayMs(schedule, 1, () => 0.999999)).toBe(330_000);
  });

  it('gives the last try at the moment the recipient would expire, then expires it', () => {
    const received = new Date('2026-01-01T00:00:00Z');
    const almost = new Date(received.getTime() + schedule.maxAgeMs - 60_000);
    expect(nextAttemptAt(schedule, 40, received, almost, noJitter)?.getTime()).toBe(received.getTime() + schedule.maxAgeMs);
    expect(nextAttemptAt(schedule, 41, received, new Date(received.getTime() + schedule.maxAgeMs), noJitter)).toBeNull();
  });

  it('survives absurd attempt counts without overflowing', () => {
    expect(retryDelayMs(schedule, 1e9, noJitter)).toBe(3_600_000);
    expect(retryDelayMs(schedule, 0, noJitter)).toBe(300_000);
  });
});
