// The durable queue: messages and one row per recipient, committed together
// before the 250; leases with a fencing epoch so a stale worker cannot record
// a second outcome; final outcomes turned into counters, DSNs and a deleted
// message, in one transaction each.
import { randomBytes } from 'node:crypto';
import { buildDsn, headersOf, verdictOf, type FailedRecipient } from '../bounces/index.ts';
import type { Db, Sql } from '../db/index.ts';
import type { EventBus, RelayEvent } from '../events/index.ts';
import { addCounters, domainOf, type AddressHasher, type CounterIncrement } from '../stats/index.ts';
import { GroupCommit } from './group-commit.ts';
import { nextAttemptAt, type RetrySchedule } from './retry.ts';
import type { AttemptResult, Claim, NewMessage, RecipientState } from './types.ts';

export interface QueueServiceOptions {
  db: Db;
  events: EventBus;
  hashAddress: AddressHasher;
  /** Identifies this node in leases. */
  nodeId: string;
  /** Reporting MTA name in DSNs. */
  hostname: string;
  schedule: RetrySchedule;
  leaseMs: number;
  random?: () => number;
}

interface ClaimRow {
  id: string | number;
  message_id: string;
  rcpt_to: string;
  domain: string;
  lease_epoch: number;
  attempts: number;
  mail_from: string;
  received_at: Date;
  lease_until: Date;
}

type FinalState = Extract<RecipientState, 'delivered' | 'bounced' | 'expired'>;

/** Placeholders for a multi-row VALUES list. */
function valuesList(rows: number, row: string): string {
  return Array.from({ length: rows }, () => row).join(', ');
}

export function newQueueId(): string {
  // Time first so ids sort roughly by arrival, like Postfix long queue ids.
  return Date.now().toString(16).toUpperCase().padStart(12, '0') + randomBytes(4).toString('hex').toUpperCase();
}

export class QueueService {
  readonly #o: QueueServiceOptions;
  readonly #enqueueListeners = new Set<() => void>();
  readonly #enqueues: GroupCommit<NewMessage, string>;
  readonly #records: GroupCommit<AttemptResult[], number>;

  constructor(options: QueueServiceOptions) {
    this.#o = options;
    this.#enqueues = new GroupCommit((messages) => this.#enqueueBatch(messages));
    this.#records = new GroupCommit((lists) => this.#recordBatch(lists));
  }

  /** Called after each committed enqueue (the delivery loop wakes up on it). */
  onEnqueued(listener: () => void): () => void {
    this.#enqueueListeners.add(listener);
    return () => this.#enqueueListeners.delete(listener);
  }

  /** Commits the message and one row per recipient; resolves with the queue id only after commit. */
  enqueue(message: NewMessage): Promise<string> {
    if (message.rcptTo.length === 0) return Promise.reject(new Error('a message needs at least one recipient'));
    return this.#enqueues.submit(message);
  }

  async #enqueueBatch(messages: NewMessage[]): Promise<string[]> {
    const events: RelayEvent[] = [];
    const ids = await this.#o.db.transaction(async (tx) => {
      const ids = await this.#enqueueIn(tx, messages, events);
      await this.#o.events.record(tx, events);
      return ids;
    });
    this.#o.events.publish(events);
    for (const listener of this.#enqueueListeners) listener();
    return ids;
  }

  /** Inserts messages, their recipients and counters in `tx`; appends events to record. */
  async #enqueueIn(tx: Sql, messages: NewMessage[], events: RelayEvent[]): Promise<string[]> {
    const ids = messages.map(() => newQueueId());
    await tx.query(
      `insert into message (id, mail_from, submitted_by, size_bytes, body, is_dsn) values ${valuesList(messages.length, '(?, ?, ?, ?, ?, ?)')}`,
      messages.flatMap((m, i) => [ids[i], m.mailFrom, m.submittedBy, m.body.length, m.body, m.isDsn ?? false]),
    );
    const rows = messages.flatMap((m, i) => m.rcptTo.map((rcpt) => [ids[i], rcpt, domainOf(rcpt)]));
    // Bounded statements: PostgreSQL takes at most 65535 parameters.
    for (let at = 0; at < rows.length; at += 5000) {
      const chunk = rows.slice(at, at + 5000);
      await tx.query(`insert into recipient (message_id, rcpt_to, domain, state) values ${valuesList(chunk.length, "(?, ?, ?, 'queued')")}`, chunk.flat());
    }
    const counters: CounterIncrement[] = messages
      .filter((m) => m.mailFrom && !m.isDsn)
      .map((m) => ({ table: 'sender_stat', key: m.mailFrom.toLowerCase(), counter: 'received' }));
    await addCounters(tx, counters);
    messages.forEach((m, i) =>
      events.push({
        type: 'message.received',
        payload: { messageId: ids[i], sizeBytes: m.body.length, recipients: m.rcptTo.length, isDsn: m.isDsn ?? false },
      }),
    );
    return ids;
  }

  /**
   * Leases up to `limit` due recipients (queued or deferred and due, or active
   * with an expired lease) with FOR UPDATE SKIP LOCKED, skipping `excludeDomains`.
   */
  async claimDue(limit: number, excludeDomains: string[] = []): Promise<Claim[]> {
    const exclude = excludeDomains.length ? 'and domain not in (?)' : '';
    const rows = await this.#o.db.query<ClaimRow>(
      `with claimed as (
         update recipient r set state = 'active', lease_owner = ?, lease_epoch = r.lease_epoch + 1,
                lease_until = now() + ? * interval '1 millisecond'
         from message m
         where m.id = r.message_id and r.id in (
           select id from recipient
           where ((state in ('queued', 'deferred') and next_attempt_at <= now()) or (state = 'active' and lease_until < now()))
           ${exclude}
           order by next_attempt_at
           limit ?
           for update skip locked)
         returning r.id, r.message_id, r.rcpt_to, r.domain, r.lease_epoch, r.attempts, r.lease_until, r.next_attempt_at,
                   m.mail_from, m.received_at)
       select * from claimed order by next_attempt_at, id`,
      [this.#o.nodeId, this.#o.leaseMs, ...(excludeDomains.length ? [excludeDomains] : []), limit],
    );
    return rows.map((r) => ({
      recipientId: String(r.id),
      messageId: r.message_id,
      rcptTo: r.rcpt_to,
      domain: r.domain,
      epoch: Number(r.lease_epoch),
      attempts: Number(r.attempts),
      mailFrom: r.mail_from,
      receivedAt: new Date(r.received_at),
      leaseUntil: new Date(r.lease_until),
    }));
  }

  /** The stored message, or null once it has been deleted. */
  async loadBody(messageId: string): Promise<Buffer | null> {
    const rows = await this.#o.db.query<{ body: Uint8Array | null }>('select body from message where id = ?', [messageId]);
    const body = rows[0]?.body;
    return body ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : null;
  }

  /** Gives leased work back untried (shutdown): due again at once. */
  async releaseClaims(claims: Claim[]): Promise<void> {
    if (claims.length === 0) return;
    await this.#o.db.query(
      `update recipient r set state = case when r.attempts > 0 then 'deferred' else 'queued' end,
              lease_owner = null, lease_until = null, next_attempt_at = now()
       from (values ${valuesList(claims.length, '(?::bigint, ?::int)')}) as v(id, epoch)
       where r.id = v.id and r.lease_epoch = v.epoch and r.state = 'active'`,
      claims.flatMap((c) => [c.recipientId, c.epoch]),
    );
  }

  /**
   * Records one attempt per result, fenced by lease epoch: results whose lease
   * was taken over are dropped. Final recipients become counters, failed ones
   * a DSN, and a message with no pending recipient left is deleted.
   * Returns how many results were applied.
   */
  recordAttempts(results: AttemptResult[]): Promise<number> {
    if (results.length === 0) return Promise.resolve(0);
    return this.#records.submit(results);
  }

  async #recordBatch(lists: AttemptResult[][]): Promise<number[]> {
    const events: RelayEvent[] = [];
    const applied = await this.#o.db.transaction(async (tx) => {
      // Bounded statements: PostgreSQL takes at most 65535 parameters (9 per result here).
      const all = lists.flat();
      const applied = new Set<string>();
      for (let at = 0; at < all.length; at += 2000) {
        for (const id of await this.#recordIn(tx, all.slice(at, at + 2000), events)) applied.add(id);
      }
      await this.#o.events.record(tx, events);
      return applied;
    });
    this.#o.events.publish(events);
    if (events.some((e) => e.type === 'message.received')) for (const l of this.#enqueueListeners) l();
    return lists.map((list) => list.filter((r) => applied.has(r.claim.recipientId)).length);
  }

  async #recordIn(tx: Sql, results: AttemptResult[], events: RelayEvent[]): Promise<Set<string>> {
    const [{ now }] = (await tx.query<{ now: Date }>('select now() as now')) as [{ now: Date }];
    const planned = results.map((result) => {
      const verdict = result.isPermanent ? 'bounce' : verdictOf(result.reply);
      let state: RecipientState = verdict === 'delivered' ? 'delivered' : verdict === 'bounce' ? 'bounced' : 'deferred';
      let next: Date | null = null;
      if (state === 'deferred') {
        next = nextAttemptAt(this.#o.schedule, result.claim.attempts + 1, result.claim.receivedAt, new Date(now), this.#o.random);
        if (next === null) state = 'expired';
      }
      return { result, state, next };
    });

    const updated = await tx.query<{ id: string | number }>(
      `update recipient r set state = v.state, attempts = r.attempts + 1,
              next_attempt_at = coalesce(v.next, r.next_attempt_at), lease_owner = null, lease_until = null,
              last_code = v.code, last_enhanced = v.enhanced, last_text = v.text, last_mx = v.mx, last_tls = v.tls,
              last_attempt_at = now()
       from (values ${valuesList(planned.length, '(?::bigint, ?::int, ?::text, ?::timestamptz, ?::int, ?::text, ?::text, ?::text, ?::boolean)')})
            as v(id, epoch, state, next, code, enhanced, text, mx, tls)
       where r.id = v.id and r.lease_epoch = v.epoch and r.state = 'active'
       returning r.id`,
      planned.flatMap(({ result: { claim, reply, mxHost, isTls }, state, next }) => [
        claim.recipientId, claim.epoch, state, next, reply.code, reply.enhanced, reply.text.slice(0, 2000), mxHost, isTls,
      ]),
    );
    const appliedIds = new Set(updated.map((u) => String(u.id)));
    const applied = planned.filter((p) => appliedIds.has(p.result.claim.recipientId));
    if (applied.length === 0) return appliedIds;

    // The attempt log is keyed by recipient hash, not by message: it outlives the message.
    await tx.query(
      `insert into attempt (recipient_hash, domain, outcome, mx_host, is_tls, code, enhanced, text)
       values ${valuesList(applied.length, '(?, ?, ?, ?, ?, ?, ?, ?)')}`,
      applied.flatMap(({ result: { claim, reply, mxHost, isTls }, state }) => [
        this.#o.hashAddress(claim.rcptTo), claim.domain, state, mxHost, isTls, reply.code, reply.enhanced, reply.text.slice(0, 2000),
      ]),
    );

    const counters: CounterIncrement[] = [];
    for (const { result: { claim, reply }, state } of applied) {
      const counter = state as FinalState | 'deferred';
      if (claim.mailFrom) counters.push({ table: 'sender_stat', key: claim.mailFrom.toLowerCase(), counter });
      counters.push({ table: 'recipient_stat', key: this.#o.hashAddress(claim.rcptTo), counter });
      counters.push({ table: 'destination_stat', key: claim.domain, counter });
      events.push({
        type: `recipient.${state}` as RelayEvent['type'],
        payload: { domain: claim.domain, code: reply.code, enhanced: reply.enhanced },
      });
    }
    await addCounters(tx, counters);

    const failed = applied.filter((p) => p.state === 'bounced' || p.state === 'expired');
    await this.#sendDsns(tx, failed, events);

    const touched = [...new Set(applied.filter((p) => p.state !== 'deferred').map((p) => p.result.claim.messageId))];
    if (touched.length) {
      const deleted = await tx.query<{ id: string }>(
        `delete from message m where m.id in (?)
         and not exists (select 1 from recipient r where r.message_id = m.id and r.state not in ('delivered', 'bounced', 'expired'))
         returning m.id`,
        [touched],
      );
      for (const d of deleted) events.push({ type: 'message.deleted', payload: { messageId: d.id } });
    }
    return appliedIds;
  }

  async #sendDsns(tx: Sql, failed: { result: AttemptResult; state: RecipientState }[], events: RelayEvent[]): Promise<void> {
    const byMessage = new Map<string, typeof failed>();
    for (const f of failed) {
      // RFC 3464 / RFC 5321 §4.5.5: never a DSN for a message with a null sender.
      if (!f.result.claim.mailFrom) continue;
      const list = byMessage.get(f.result.claim.messageId) ?? [];
      list.push(f);
      byMessage.set(f.result.claim.messageId, list);
    }
    for (const [messageId, list] of byMessage) {
      const rows = await tx.query<{ body: Uint8Array | null; is_dsn: boolean; received_at: Date }>(
        'select body, is_dsn, received_at from message where id = ?',
        [messageId],
      );
      const row = rows[0];
      if (!row || row.is_dsn || !row.body) continue;
      const claim = list[0]!.result.claim;
      const recipients: FailedRecipient[] = list.map(({ result, state }) => ({
        rcptTo: result.claim.rcptTo,
        reason: state === 'expired' ? 'expired' : 'bounced',
        reply: result.reply,
        remoteMta: result.mxHost,
        lastAttemptAt: new Date(),
      }));
      const dsn = buildDsn({
        reportingMta: this.#o.hostname,
        queueId: messageId,
        mailFrom: claim.mailFrom,
        arrivalDate: new Date(row.received_at),
        originalHeaders: headersOf(Buffer.from(row.body)),
        recipients,
      });
      await this.#enqueueIn(tx, [{ mailFrom: '', submittedBy: null, rcptTo: [claim.mailFrom], body: dsn, isDsn: true }], events);
    }
  }
}
