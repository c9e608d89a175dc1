// The in-memory half of spike detection, on the SMTP hot path: per sender
// key, messages and distinct destination domains in a sliding window of
// minutes, this clock hour's and this day's counts (quotas), compared with
// the learned baseline. No I/O: the service feeds it baselines, quotas and
// other nodes' counts, and writes out what it counted.
//
// Relay-wide normalisation: each sender's usual figures are multiplied by
// how busy the rest of the relay is compared with its usual (other senders'
// current rate over the sum of their hourly means, never below 1). On a
// newsletter day when everyone sends twice as much, every bound doubles and
// nobody is a spike; a single account sending twenty times its usual is not
// covered by the others. The sender itself is left out, so that its own spike
// cannot excuse itself; the floors are never scaled.
//
// Privacy: destination domains are kept only as 32-bit hashes in per-minute
// sets, dropped when the minute leaves the window and the hour is over; only
// their number is ever written out (DESIGN.md principle 2).
import type { Config } from '../config/index.ts';
import { usualMax, type Baseline } from './baseline.ts';

export type AnomalySettings = Config['anomaly'];

/** Which signal fired. */
export type SpikeSignal = 'volume' | 'distinctDomains' | 'bounceRate';

/**
 * What made a sender a spike, with the numbers behind it:
 * - `volume`: more messages in the window than usual for an hour (times the relay-wide ratio), and at least the floor;
 * - `distinctDomains`: more distinct destination domains in the window than usual, and at least the floor;
 * - `bounceRate`: too large a share of the sender's recent recipients bounced.
 */
export type Spike =
  | { key: string; signal: 'volume'; messages: number; windowMinutes: number; usualPerHour: number; limit: number; relayRatio: number }
  | { key: string; signal: 'distinctDomains'; domains: number; windowMinutes: number; usualPerHour: number; limit: number; relayRatio: number }
  | { key: string; signal: 'bounceRate'; bounced: number; recipients: number; rate: number; limit: number };

/** Counts written by other nodes (from the database), as of their last reload. */
export interface RemoteCounts {
  /** Messages per key within the window. */
  window: Map<string, number>;
  /** Messages per key in the clock hour `hourIndex` and the UTC day `dayIndex`. */
  hour: Map<string, number>;
  day: Map<string, number>;
  hourIndex: number;
  dayIndex: number;
}

export interface Quota {
  perHour: number | null;
  perDay: number | null;
}

/** Counts of one key and minute not yet written to the database. */
export interface VolumeRow {
  key: string;
  minute: number;
  messages: number;
  /** Distinct destination domains of the key in that minute's hour so far, on this node. */
  domains: number;
}

interface Tally {
  /** Minute index -> messages and domain hashes, oldest first, within the window. */
  minutes: Map<number, { messages: number; domains: Set<number> }>;
  windowMessages: number;
  /** Domain hash -> number of window minutes it appears in. */
  windowDomains: Map<number, number>;
  hour: number;
  hourMessages: number;
  hourDomains: Set<number>;
  day: number;
  dayMessages: number;
  unflushed: Map<number, { messages: number; domains: number }>;
  /** Envelope senders used recently (for a login's bounce rate), with when. */
  mailFroms: Map<string, number>;
  lastAt: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export const minuteOf = (at: number) => Math.floor(at / MINUTE_MS);
export const hourOf = (at: number) => Math.floor(at / HOUR_MS);
export const dayOf = (at: number) => Math.floor(at / DAY_MS);

/** FNV-1a, 32 bits: enough to count distinct domains, useless to list them. */
function hashDomain(domain: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < domain.length; i++) h = Math.imul(h ^ domain.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class SpikeDetector {
  readonly #s: AnomalySettings;
  readonly #tallies = new Map<string, Tally>();
  #baselines = new Map<string, Baseline>();
  #sumOfMeans = 0;
  #quotas = new Map<string, Quota>();
  #remote: RemoteCounts = { window: new Map(), hour: new Map(), day: new Map(), hourIndex: -1, dayIndex: -1 };
  #remoteWindowTotal = 0;
  /** This node's messages per minute, all senders, and their sum over the window. */
  readonly #relayMinutes = new Map<number, number>();
  #relayWindow = 0;

  constructor(settings: AnomalySettings) {
    this.#s = settings;
  }

  setBaselines(baselines: Map<string, Baseline>): void {
    this.#baselines = baselines;
    this.#sumOfMeans = [...baselines.values()].reduce((sum, b) => sum + b.volume.mean, 0);
  }

  baselineOf(key: string): Baseline | null {
    return this.#baselines.get(key) ?? null;
  }

  setQuotas(quotas: Map<string, Quota>): void {
    this.#quotas = quotas;
  }

  setRemote(remote: RemoteCounts): void {
    this.#remote = remote;
    this.#remoteWindowTotal = [...remote.window.values()].reduce((a, b) => a + b, 0);
  }

  /** Counts one accepted message; returns the spike it makes, if any (volume first, then domains). */
  record(key: string, mailFrom: string, rcptDomains: string[], at: number): Spike | null {
    const t = this.#tally(key, at);
    const minute = minuteOf(at);
    let slot = t.minutes.get(minute);
    if (!slot) t.minutes.set(minute, (slot = { messages: 0, domains: new Set() }));
    slot.messages++;
    t.windowMessages++;
    for (const domain of rcptDomains) {
      const h = hashDomain(domain.toLowerCase());
      if (!slot.domains.has(h)) {
        slot.domains.add(h);
        t.windowDomains.set(h, (t.windowDomains.get(h) ?? 0) + 1);
      }
      t.hourDomains.add(h);
    }
    t.hourMessages++;
    t.dayMessages++;
    const pending = t.unflushed.get(minute) ?? { messages: 0, domains: 0 };
    t.unflushed.set(minute, { messages: pending.messages + 1, domains: t.hourDomains.size });
    if (mailFrom) t.mailFroms.set(mailFrom.toLowerCase(), at);
    t.lastAt = at;
    this.#relayMinutes.set(minute, (this.#relayMinutes.get(minute) ?? 0) + 1);
    this.#relayWindow++;
    return this.judge(key, at);
  }

  /** The spike the key is in now (its window against its usual figures), or null. */
  judge(key: string, at: number): Spike | null {
    const t = this.#tallies.get(key);
    if (!t) return null;
    this.#slide(t, at);
    this.#slideRelay(at);
    const w = this.#s.windowMinutes;
    const b = this.#baselines.get(key);
    const messages = t.windowMessages + (this.#remote.window.get(key) ?? 0);
    const ratio = this.#relayRatio(key, messages);
    const usualMessages = ratio * (b ? usualMax(b.volume, this.#s.factor) : 0);
    if (messages >= this.#s.minMessages && messages > usualMessages) {
      return {
        key, signal: 'volume', messages, windowMinutes: w, usualPerHour: b?.volume.mean ?? 0,
        limit: Math.max(this.#s.minMessages, Math.floor(usualMessages) + 1), relayRatio: ratio,
      };
    }
    const domains = t.windowDomains.size;
    const usualDomains = ratio * (b ? usualMax(b.domains, this.#s.distinctDomainsFactor) : 0);
    if (domains >= this.#s.minDistinctDomains && domains > usualDomains) {
      return {
        key, signal: 'distinctDomains', domains, windowMinutes: w, usualPerHour: b?.domains.mean ?? 0,
        limit: Math.max(this.#s.minDistinctDomains, Math.floor(usualDomains) + 1), relayRatio: ratio,
      };
    }
    return null;
  }

  /** A bounce-rate spike when `bounced` of `delivered + bounced` recent recipients is too large a share. */
  judgeBounces(key: string, counts: { delivered: number; bounced: number }): Spike | null {
    const recipients = counts.delivered + counts.bounced;
    if (this.#s.bounceRate <= 0 || recipients < this.#s.minBounceSample) return null;
    const rate = counts.bounced / recipients;
    return rate >= this.#s.bounceRate ? { key, signal: 'bounceRate', bounced: counts.bounced, recipients, rate, limit: this.#s.bounceRate } : null;
  }

  /** The 451 text when a login has reached its hourly or daily quota, else null. */
  quotaRefusal(key: string, at: number): string | null {
    const quota = this.#quotas.get(key);
    if (!quota) return null;
    const t = this.#tallies.get(key);
    const hour = hourOf(at);
    const day = dayOf(at);
    const inHour = (t?.hour === hour ? t.hourMessages : 0) + (this.#remote.hourIndex === hour ? this.#remote.hour.get(key) ?? 0 : 0);
    const inDay = (t?.day === day ? t.dayMessages : 0) + (this.#remote.dayIndex === day ? this.#remote.day.get(key) ?? 0 : 0);
    if (quota.perHour !== null && inHour >= quota.perHour) return `Hourly quota of ${quota.perHour} messages reached; try again later`;
    if (quota.perDay !== null && inDay >= quota.perDay) return `Daily quota of ${quota.perDay} messages reached; try again later`;
    return null;
  }

  /** Starts the key's window afresh (after a release: what was counted has been judged by an admin). */
  forget(key: string): void {
    const t = this.#tallies.get(key);
    if (!t) return;
    t.minutes.clear();
    t.windowMessages = 0;
    t.windowDomains.clear();
  }

  /** Envelope senders the key used since `since`. */
  mailFromsOf(key: string, since: number): string[] {
    const t = this.#tallies.get(key);
    return t ? [...t.mailFroms].filter(([, at]) => at >= since).map(([mailFrom]) => mailFrom) : [];
  }

  /** Keys that sent since `since`. */
  activeKeys(since: number): string[] {
    return [...this.#tallies].filter(([, t]) => t.lastAt >= since).map(([key]) => key);
  }

  /** Counts not yet written out; they are forgotten here (give them back with restoreUnflushed if writing fails). */
  takeUnflushed(): VolumeRow[] {
    const rows: VolumeRow[] = [];
    for (const [key, t] of this.#tallies) {
      for (const [minute, c] of t.unflushed) rows.push({ key, minute, ...c });
      t.unflushed.clear();
    }
    return rows;
  }

  restoreUnflushed(rows: VolumeRow[]): void {
    for (const row of rows) {
      const t = this.#tallies.get(row.key);
      if (!t) continue;
      const c = t.unflushed.get(row.minute) ?? { messages: 0, domains: 0 };
      t.unflushed.set(row.minute, { messages: c.messages + row.messages, domains: Math.max(c.domains, row.domains) });
    }
  }

  /** Drops tallies with nothing left to count or write: idle since before today and out of the window. */
  prune(at: number): void {
    for (const [key, t] of this.#tallies) {
      this.#slide(t, at);
      for (const [mailFrom, seen] of t.mailFroms) if (seen < at - 2 * HOUR_MS) t.mailFroms.delete(mailFrom);
      if (t.minutes.size === 0 && t.unflushed.size === 0 && t.day !== dayOf(at)) this.#tallies.delete(key);
    }
    this.#slideRelay(at);
  }

  /**
   * How much busier than usual the rest of the relay is: other senders'
   * messages in the window over what their hourly means give for it. 1 when
   * the others usually send too little to tell (less than the floor).
   */
  #relayRatio(key: string, own: number): number {
    const others = this.#relayWindow + this.#remoteWindowTotal - own;
    const expected = (this.#sumOfMeans - (this.#baselines.get(key)?.volume.mean ?? 0)) * (this.#s.windowMinutes / 60);
    if (expected < this.#s.minMessages) return 1;
    return Math.max(1, others / expected);
  }

  #tally(key: string, at: number): Tally {
    let t = this.#tallies.get(key);
    if (!t) {
      t = {
        minutes: new Map(), windowMessages: 0, windowDomains: new Map(), hour: hourOf(at), hourMessages: 0, hourDomains: new Set(),
        day: dayOf(at), dayMessages: 0, unflushed: new Map(), mailFroms: new Map(), lastAt: at,
      };
      this.#tallies.set(key, t);
    }
    this.#slide(t, at);
    return t;
  }

  /** Drops minutes that left the window; starts a new hour and day when the clock says so. */
  #slide(t: Tally, at: number): void {
    const oldest = minuteOf(at) - this.#s.windowMinutes;
    for (const [minute, slot] of t.minutes) {
      if (minute > oldest) break;
      t.windowMessages -= slot.messages;
      for (const h of slot.domains) {
        const n = (t.windowDomains.get(h) ?? 1) - 1;
        if (n > 0) t.windowDomains.set(h, n);
        else t.windowDomains.delete(h);
      }
      t.minutes.delete(minute);
    }
    if (t.hour !== hourOf(at)) {
      t.hour = hourOf(at);
      t.hourMessages = 0;
      t.hourDomains = new Set();
    }
    if (t.day !== dayOf(at)) {
      t.day = dayOf(at);
      t.dayMessages = 0;
    }
  }

  #slideRelay(at: number): void {
    const oldest = minuteOf(at) - this.#s.windowMinutes;
    for (const [minute, n] of this.#relayMinutes) {
      if (minute > oldest) break;
      this.#relayWindow -= n;
      this.#relayMinutes.delete(minute);
    }
  }
}
