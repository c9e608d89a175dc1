// The submission gate and its bookkeeping. On the SMTP hot path (check at
// MAIL FROM, accepted after the queue committed) everything is answered from
// memory; every flushIntervalMs a tick writes the counts out, learns the hours
// that are over, checks bounce rates, and reloads baselines, quotas, holds and
// other nodes' counts. A spike is recorded (alert + hold) at once, off the hot
// path, and retried on the next tick when the database is away.
import type { Db } from '../db/index.ts';
import type { RelayEvent } from '../events/index.ts';
import type { Logger } from '../log.ts';
import type { QueueSelector } from '../queue/index.ts';
import { domainOf } from '../stats/index.ts';
import { hourOf, SpikeDetector, type AnomalySettings, type Quota, type Spike } from './detector.ts';
import { AnomalyError, mailFromOf, parseSenderKey, queueFilterOf, senderKeyOf } from './sender-key.ts';
import { AnomalyStore, type SenderHold } from './store.ts';

/** After an admin releases a sender, it is not held again automatically for this long (alerts still come). */
export const RELEASE_GRACE_MS = 2 * 3_600_000;
/** Bounce rates are read over the current and the previous hour. */
const BOUNCE_HOURS = 2;
const MAX_REASON_CHARS = 200;

export interface AnomalyServiceOptions {
  db: Db;
  /** Where `alert.raised` is published after commit. */
  events: { publish(events: RelayEvent[]): void };
  /** Holds and releases a sender's queued mail (QueueAdmin). */
  queue: { hold(selector: QueueSelector): Promise<number>; release(selector: QueueSelector): Promise<number> };
  /** The SMTP users' quotas (UserService). */
  users: { list(): Promise<{ login: string; quotaPerHour: number | null; quotaPerDay: number | null }[]> };
  /** Recent outcomes per envelope sender (StatsReport); no bounce-rate signal without it. */
  outcomes?: { summary(options: { hours: number; limit?: number }): Promise<{ senders: { sender: string; delivered: number; bounced: number }[] }> };
  settings: AnomalySettings;
  log: Logger;
  /** This process's name in the per-node counts; a random one by default. */
  nodeId?: string;
  now?: () => number;
}

/** What a submission is answered when the gate refuses it. */
export interface GateRefusal {
  code: number;
  text: string;
}

function usualText(perHour: number): string {
  if (perHour <= 0) return 'usually none';
  return perHour < 0.5 ? 'usually less than 1 per hour' : `usual about ${Math.round(perHour)} per hour`;
}

/** The reason a spike gives, shown to the sender in the 451 reply. Numbers only. */
export function describeSpike(spike: Spike): string {
  switch (spike.signal) {
    case 'volume':
      return `unusual volume from this account (${spike.messages} messages in ${spike.windowMinutes} minutes, ${usualText(spike.usualPerHour)})`;
    case 'distinctDomains':
      return `unusual number of destination domains from this account (${spike.domains} in ${spike.windowMinutes} minutes, ${usualText(spike.usualPerHour)})`;
    case 'bounceRate':
      return `too many bounces from this account (${spike.bounced} of ${spike.recipients} recipients in the last ${BOUNCE_HOURS} hours)`;
  }
}

function checkReason(reason: string): string {
  const text = reason.trim();
  if (!text) throw new AnomalyError('INVALID_INPUT', 'a reason is required: it is shown to the sender');
  if (/[\x00-\x1f\x7f]/.test(text)) throw new AnomalyError('INVALID_INPUT', 'the reason may not contain line breaks or control characters');
  if (text.length > MAX_REASON_CHARS) throw new AnomalyError('INVALID_INPUT', `the reason is longer than ${MAX_REASON_CHARS} characters`);
  return text;
}

/** Who acted, as recorded: printable and short whatever the caller passed. */
function cleanActor(by: string): string {
  return by.replace(/[\x00-\x1f\x7f]+/g, ' ').trim().slice(0, 128) || 'admin';
}

interface PendingSpike {
  spike: Spike;
  hourKey: string;
  hold: SenderHold | null;
}

export class AnomalyService {
  readonly #o: AnomalyServiceOptions;
  readonly #store: AnomalyStore;
  readonly #detector: SpikeDetector;
  readonly #nodeId: string;
  readonly #now: () => number;
  /** Holds in force, as last read, plus those raised here and not yet written. */
  #holds = new Map<string, SenderHold>();
  readonly #exemptUntil = new Map<string, number>();
  /** Key -> hour (`2026-11-28T10`) of its last alert from this node. */
  readonly #alerted = new Map<string, string>();
  #pending: PendingSpike[] = [];
  #draining: Promise<void> | null = null;
  #ticks: Promise<void> = Promise.resolve();
  #isTicking = false;
  #learnedHour = -1;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: AnomalyServiceOptions) {
    this.#o = options;
    this.#store = new AnomalyStore(options.db);
    this.#detector = new SpikeDetector(options.settings);
    this.#nodeId = options.nodeId ?? `node-${Math.random().toString(36).slice(2, 12)}`;
    this.#now = options.now ?? Date.now;
  }

  /** Loads holds, baselines and quotas, then ticks every flushIntervalMs until stop(). */
  async start(): Promise<void> {
    await this.tick();
    this.#timer = setInterval(() => {
      if (!this.#isTicking) void this.tick();
    }, this.#o.settings.flushIntervalMs);
    this.#timer.unref();
  }

  /** Stops ticking and writes out what was counted. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#ticks;
    await this.#draining;
    await this.#flush();
  }

  /** Whether a submission may go on, at MAIL FROM. From memory only. */
  check(sender: { login: string | null; mailFrom: string; client: string }): GateRefusal | null {
    const key = senderKeyOf(sender.login, sender.mailFrom);
    if (!key) return null;
    const hold = this.#holds.get(key);
    if (hold) return { code: 451, text: `4.7.1 Sending paused: ${hold.reason}; contact your provider` };
    const at = this.#now();
    const overQuota = sender.login ? this.#detector.quotaRefusal(key, at) : null;
    if (overQuota) return { code: 451, text: `4.7.1 ${overQuota}` };
    if (this.#o.settings.action === 'throttle' && !this.#isExempt(key, at)) {
      const spike = this.#detector.judge(key, at);
      if (spike) return { code: 451, text: `4.7.1 Sending slowed down: ${describeSpike(spike)}; try again later` };
    }
    return null;
  }

  /** Counts a message the queue has committed; a spike is acted on at once. */
  accepted(info: { login: string | null; mailFrom: string; rcptTo: string[] }): void {
    const key = senderKeyOf(info.login, info.mailFrom);
    if (!key) return;
    const at = this.#now();
    const spike = this.#detector.record(key, info.mailFrom, info.rcptTo.map(domainOf), at);
    if (spike) this.#onSpike(spike, at);
  }

  /** One round of bookkeeping (run by the timer; tests call it after moving their clock). */
  tick(): Promise<void> {
    this.#ticks = this.#ticks.then(() => this.#tick()).catch((err: unknown) => this.#o.log.error('anomaly tick failed', { err }));
    return this.#ticks;
  }

  /** Holds in force (oldest first); with `includeReleasedSince`, also holds released since then. */
  holds(options: { includeReleasedSince?: Date } = {}): Promise<SenderHold[]> {
    return this.#store.holds(options.includeReleasedSince);
  }

  /** Holds a sender by hand: new mail refused with 451 4.7.1 and the reason, queued mail held. Throws AnomalyError. */
  async hold(keyText: string, reason: string, by: string): Promise<{ hold: SenderHold; recipients: number }> {
    const key = parseSenderKey(keyText);
    const why = checkReason(reason);
    const hold = await this.#store.insertHold({ key, reason: why, source: 'manual', since: new Date(this.#now()), heldBy: cleanActor(by) });
    if (!hold) throw new AnomalyError('CONFLICT', `${key} is held already`);
    this.#holds.set(key, hold);
    const recipients = await this.#o.queue.hold({ filter: queueFilterOf(key) });
    this.#o.log.warn('sender held', { sender: key, by, recipients });
    return { hold, recipients };
  }

  /** Ends a hold and releases the sender's held mail, due at once. Throws AnomalyError (NOT_FOUND when not held). */
  async release(keyText: string, by: string): Promise<{ hold: SenderHold; recipients: number }> {
    const key = parseSenderKey(keyText);
    const at = this.#now();
    const hold = await this.#store.releaseHold(key, new Date(at), cleanActor(by));
    if (!hold) throw new AnomalyError('NOT_FOUND', `${key} is not held`);
    this.#forgetHold(key, at);
    const recipients = await this.#o.queue.release({ filter: queueFilterOf(key) });
    this.#o.log.info('sender released', { sender: key, by, recipients });
    return { hold, recipients };
  }

  #isExempt(key: string, at: number): boolean {
    return (this.#exemptUntil.get(key) ?? 0) > at;
  }

  #forgetHold(key: string, releasedAt: number): void {
    this.#holds.delete(key);
    // Its alert may still be recorded; the hold may not.
    this.#pending = this.#pending.map((p) => (p.spike.key === key ? { ...p, hold: null } : p));
    this.#detector.forget(key);
    this.#exemptUntil.set(key, releasedAt + RELEASE_GRACE_MS);
  }

  #onSpike(spike: Spike, at: number): void {
    const hourKey = new Date(at).toISOString().slice(0, 13);
    const isNewHold = this.#o.settings.action === 'hold' && !this.#holds.has(spike.key) && !this.#isExempt(spike.key, at);
    if (!isNewHold && this.#alerted.get(spike.key) === hourKey) return;
    this.#alerted.set(spike.key, hourKey);
    let hold: SenderHold | null = null;
    if (isNewHold) {
      hold = { key: spike.key, reason: describeSpike(spike), source: 'spike', since: new Date(at), heldBy: 'relais', releasedAt: null, releasedBy: null };
      // Refused from the next MAIL FROM on, before the database has heard of it.
      this.#holds.set(spike.key, hold);
    }
    const { key, ...numbers } = spike;
    this.#o.log.warn('traffic spike', { sender: key, ...numbers, action: this.#o.settings.action });
    this.#pending.push({ spike, hourKey, hold });
    void this.#drain();
  }

  /** Records pending spikes one by one; stops at the first failure (the next tick retries). */
  #drain(): Promise<void> {
    // `finally` runs after this assignment even when there is nothing to record.
    this.#draining ??= this.#recordPending().finally(() => {
      this.#draining = null;
    });
    return this.#draining;
  }

  async #recordPending(): Promise<void> {
    try {
      while (this.#pending.length) {
        const { spike, hourKey, hold } = this.#pending[0]!;
        const { key, ...numbers } = spike;
        const detail = { ...numbers, action: this.#o.settings.action, reason: describeSpike(spike) };
        const { events, isHeld } = await this.#store.recordSpike({ key, detail, hourKey }, hold);
        this.#pending.shift();
        this.#o.events.publish(events);
        if (isHeld) this.#o.log.warn('sender held', { sender: key, recipients: await this.#o.queue.hold({ filter: queueFilterOf(key) }) });
      }
    } catch (err) {
      this.#o.log.error('spike not recorded yet; retried on the next tick', { err });
    }
  }

  async #flush(): Promise<void> {
    const rows = this.#detector.takeUnflushed();
    if (rows.length === 0) return;
    try {
      await this.#store.writeVolumes(this.#nodeId, rows);
    } catch (err) {
      this.#detector.restoreUnflushed(rows);
      throw err;
    }
  }

  async #tick(): Promise<void> {
    this.#isTicking = true;
    try {
      const at = this.#now();
      await this.#flush();
      // An hour is learned once every node has had two flushes to write its last minutes.
      const graceMs = 2 * this.#o.settings.flushIntervalMs + 60_000;
      if (hourOf(at - graceMs) !== this.#learnedHour) {
        await this.#store.learn(at, graceMs, this.#o.settings.baselineHours);
        await this.#store.prune(at);
        this.#learnedHour = hourOf(at - graceMs);
      }
      await this.#reload(at);
      await this.#judgeBounces(at);
      await this.#drain();
      // Mail that was being received when the hold began, or that another node took: held too.
      for (const key of this.#holds.keys()) {
        if (!this.#pending.some((p) => p.spike.key === key)) await this.#o.queue.hold({ filter: queueFilterOf(key) });
      }
      this.#detector.prune(at);
      for (const [key, until] of this.#exemptUntil) if (until <= at) this.#exemptUntil.delete(key);
      for (const [key, hourKey] of this.#alerted) if (hourKey !== new Date(at).toISOString().slice(0, 13)) this.#alerted.delete(key);
    } finally {
      this.#isTicking = false;
    }
  }

  async #reload(at: number): Promise<void> {
    const [baselines, remote, users, holds] = await Promise.all([
      this.#store.loadBaselines(),
      this.#store.readRemote(this.#nodeId, at, this.#o.settings.windowMinutes),
      this.#o.users.list(),
      this.#store.holds(new Date(at - RELEASE_GRACE_MS)),
    ]);
    this.#detector.setBaselines(baselines);
    this.#detector.setRemote(remote);
    const quotas = new Map<string, Quota>();
    for (const u of users) if (u.quotaPerHour !== null || u.quotaPerDay !== null) quotas.set(u.login, { perHour: u.quotaPerHour, perDay: u.quotaPerDay });
    this.#detector.setQuotas(quotas);
    const inForce = new Map(holds.filter((h) => !h.releasedAt).map((h) => [h.key, h]));
    for (const h of holds) {
      // Released elsewhere (another node, the CLI): start afresh, and release what a stale re-hold may have held.
      const isPending = this.#pending.some((p) => p.hold && p.spike.key === h.key);
      if (h.releasedAt && this.#holds.has(h.key) && !inForce.has(h.key) && !isPending) {
        this.#forgetHold(h.key, h.releasedAt.getTime());
        await this.#o.queue.release({ filter: queueFilterOf(h.key) });
      } else if (h.releasedAt && !this.#exemptUntil.has(h.key)) this.#exemptUntil.set(h.key, h.releasedAt.getTime() + RELEASE_GRACE_MS);
    }
    for (const p of this.#pending) if (p.hold) inForce.set(p.spike.key, p.hold);
    this.#holds = inForce;
  }

  async #judgeBounces(at: number): Promise<void> {
    if (!this.#o.outcomes || this.#o.settings.bounceRate <= 0) return;
    const since = at - BOUNCE_HOURS * 3_600_000;
    const keys = this.#detector.activeKeys(since);
    if (keys.length === 0) return;
    const { senders } = await this.#o.outcomes.summary({ hours: BOUNCE_HOURS, limit: 10_000 });
    const bySender = new Map(senders.map((s) => [s.sender, s]));
    for (const key of keys) {
      const mailFroms = mailFromOf(key) !== null ? [mailFromOf(key)!] : this.#detector.mailFromsOf(key, since);
      const counts = { delivered: 0, bounced: 0 };
      for (const m of mailFroms) {
        counts.delivered += bySender.get(m)?.delivered ?? 0;
        counts.bounced += bySender.get(m)?.bounced ?? 0;
      }
      const spike = this.#detector.judgeBounces(key, counts);
      if (spike) this.#onSpike(spike, at);
    }
  }
}
