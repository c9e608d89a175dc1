// Failed AUTH attempts per client network, across connections: a password
// guesser that reconnects after every failure is throttled all the same.
// Kept in this node's memory only: each node of a cluster throttles on its own.
import { isIPv6 } from 'node:net';

/** Past this many tracked clients, the oldest entries go first (memory bound under a flood). */
const MAX_TRACKED = 100_000;

/** Full eight-group form of an IPv6 address. */
function expandIPv6(address: string): string[] {
  let text = address.toLowerCase().split('%')[0]!;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = text.slice(0, v4.index) + ((a << 8) | b).toString(16) + ':' + ((c << 8) | d).toString(16);
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right];
}

/**
 * The unit counted: the IPv4 address, or the IPv6 /64 — one subscriber gets
 * a whole /64 and could otherwise rotate addresses at will.
 */
export function clientKeyOf(address: string): string {
  if (!isIPv6(address)) return address;
  return `${expandIPv6(address).slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}

export class AuthThrottle {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  /** Failure times per client key, oldest first, at most `limit` of them. */
  readonly #failures = new Map<string, number[]>();

  constructor(options: { limit: number; windowMs: number; now?: () => number }) {
    this.#limit = options.limit;
    this.#windowMs = options.windowMs;
    this.#now = options.now ?? Date.now;
  }

  /** True while `limit` failures from this client fall within the window. */
  isThrottled(address: string): boolean {
    return this.#recent(clientKeyOf(address)).length >= this.#limit;
  }

  /**
   * Records one failure. Successes erase nothing: a guesser holding one valid
   * account must not be able to reset its count between guesses.
   */
  recordFailure(address: string): void {
    const key = clientKeyOf(address);
    const times = this.#recent(key);
    times.push(this.#now());
    if (times.length > this.#limit) times.splice(0, times.length - this.#limit);
    this.#failures.delete(key); // re-insert: the Map's order stays oldest-activity first
    this.#failures.set(key, times);
    if (this.#failures.size > MAX_TRACKED) this.#evict();
  }

  #recent(key: string): number[] {
    const times = this.#failures.get(key);
    if (!times) return [];
    const since = this.#now() - this.#windowMs;
    const recent = times.filter((t) => t > since);
    if (recent.length === 0) this.#failures.delete(key);
    else this.#failures.set(key, recent);
    return recent;
  }

  #evict(): void {
    const since = this.#now() - this.#windowMs;
    for (const [key, times] of this.#failures) {
      if (times[times.length - 1]! <= since) this.#failures.delete(key);
    }
    for (const key of this.#failures.keys()) {
      if (this.#failures.size <= MAX_TRACKED) break;
      this.#failures.delete(key);
    }
  }
}
