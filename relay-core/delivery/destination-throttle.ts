// Slowing down for a destination that asks us to (a rate limit) or blocks us
// (a policy block: hammering it only deepens the listing). After such a
// signal the destination gets nothing from this node for a pause, then one
// session at a time for ten times as long; a new signal in that time doubles
// the pause (up to 16 times). Per node, in memory, like Postfix's
// per-destination feedback.
const MAX_LEVEL = 16;
const SLOW_FACTOR = 10;

interface DomainState {
  level: number;
  pausedUntil: number;
  slowUntil: number;
}

export class DestinationThrottle {
  readonly #pauseMs: number;
  readonly #now: () => number;
  readonly #domains = new Map<string, DomainState>();

  constructor(options: { pauseMs: number; now?: () => number }) {
    this.#pauseMs = options.pauseMs;
    this.#now = options.now ?? Date.now;
  }

  /** The destination asked us to slow down. */
  signal(domain: string): void {
    const now = this.#now();
    const current = this.#state(domain, now);
    const level = current ? Math.min(current.level * 2, MAX_LEVEL) : 1;
    const pausedUntil = now + this.#pauseMs * level;
    this.#domains.set(domain, { level, pausedUntil, slowUntil: pausedUntil + SLOW_FACTOR * this.#pauseMs * level });
  }

  /** Sessions the destination may have now: 0 while paused, 1 while slowed down, `normal` otherwise. */
  limit(domain: string, normal: number): number {
    const state = this.#state(domain, this.#now());
    if (!state) return normal;
    return state.pausedUntil > this.#now() ? 0 : Math.min(1, normal);
  }

  /** Destinations paused now (nothing may be claimed for them). */
  paused(): string[] {
    const now = this.#now();
    return [...this.#domains.keys()].filter((domain) => (this.#state(domain, now)?.pausedUntil ?? 0) > now);
  }

  /** For status output: each slowed destination, until when, and its current session limit. */
  status(): Record<string, { until: Date; maxSessions: number }> {
    const now = this.#now();
    const out: Record<string, { until: Date; maxSessions: number }> = {};
    for (const domain of [...this.#domains.keys()]) {
      const state = this.#state(domain, now);
      if (state) out[domain] = { until: new Date(state.slowUntil), maxSessions: state.pausedUntil > now ? 0 : 1 };
    }
    return out;
  }

  #state(domain: string, now: number): DomainState | undefined {
    const state = this.#domains.get(domain);
    if (state && state.slowUntil <= now) {
      this.#domains.delete(domain);
      return undefined;
    }
    return state;
  }
}
