// When to try a deferred recipient again. Postfix-like: the first retry after
// retryFirstMs, the delay doubling after each failure up to retryMaxMs, with
// ±10% jitter so recipients deferred together do not come back together. The
// last attempt is moved to the moment the recipient would expire, so a
// recipient gets its final try right at maxAgeMs rather than up to an hour late.

export interface RetrySchedule {
  retryFirstMs: number;
  retryMaxMs: number;
  maxAgeMs: number;
}

/** Delay before the next attempt after `attempts` failed ones (attempts >= 1). */
export function retryDelayMs(schedule: RetrySchedule, attempts: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  const base = Math.min(schedule.retryFirstMs * 2 ** exponent, schedule.retryMaxMs);
  const jitter = 1 + (random() * 0.2 - 0.1);
  return Math.max(0, Math.round(base * jitter));
}

/**
 * The next attempt time, or null when the recipient has reached its maximum
 * queue lifetime and must expire now.
 */
export function nextAttemptAt(
  schedule: RetrySchedule,
  attempts: number,
  receivedAt: Date,
  now: Date,
  random: () => number = Math.random,
): Date | null {
  const expiresAt = receivedAt.getTime() + schedule.maxAgeMs;
  if (now.getTime() >= expiresAt) return null;
  return new Date(Math.min(now.getTime() + retryDelayMs(schedule, attempts, random), expiresAt));
}
