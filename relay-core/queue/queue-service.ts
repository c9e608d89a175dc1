// The durable queue: messages and one row per recipient, committed together
// before the 250; leases with a fencing epoch so a stale worker cannot record
// a second outcome; final outcomes turned into counters, DSNs and a deleted
// message. Writes go through group commit, one statement per batch where it
// can (queue-sql.ts).
import { alertRaisedEvent } from '../alerts/index.ts';
import { addressEvidence, buildDsn, classifyReply, headersOf, type FailedRecipient } from '../bounces/index.ts';
import type { Db, Sql } from '../db/index.ts';
import type { EventBus, RelayEvent } from '../events/index.ts';
import { redactAddress, type AddressHasher } from '../stats/index.ts';
import { GroupCommit } from './group-commit.ts';
import { deleteFinishedStatement, enqueueStatements, newQueueId, recordStatement, valuesList, type PlannedOutcome } from './queue-sql.ts';
import { nextAttemptAt, type RetrySchedule } from './retry.ts';
import type { AttemptResult, Claim, NewMessage, RecipientState } from './types.ts';

export { newQueueId };

/** One fact about a recipient address (keyed hash), for the suppression rules. */
export interface AddressEvidence {
  recipientHash: string;
  kind: 'hard' | 'soft' | 'complaint';
  category: string;
  enhanced: string | null;
}

/**
 * Where address evidence goes (relay-core/policy's suppression list): written
 * in the queue's transaction, then `remember` is called after commit with
 * what `recordEvidence` returned.
 */
export interface EvidenceSink<Entry = unknown> {
  recordEvidence(sql: Sql, items: AddressEvidence[]): Promise<Entry[]>;
  remember(entries: Entry[]): void;
}

/** A fact about a recipient address with its plaintext, for whoever hashes it its own way (federation); told after commit. */
export interface AddressFact {
  address: string;
  fact: 'hard' | 'soft' | 'complaint' | 'delivered';
  enhanced: string | null;
  at: Date;
}

/** Must return at once and never throw: it runs on the delivery path. */
export interface OutcomeObserver {
  observe(facts: AddressFact[]): void;
}

export interface QueueServiceOptions {
  db: Db;
  events: EventBus;
  hashAddress: AddressHasher;
  /** Identifies this node in leases. */
  nodeId: string;
  /** Reporting MTA name in DSNs. */
  hostname: string;
  schedule: RetrySchedule;
  /** Takes hard and soft bounce evidence; none: evidence is not kept. */
  evidence?: EvidenceSink;
  /** Told of deliveries and address evidence, with the recipient's plaintext (federation). */
  observer?: OutcomeObserver;
  /** Warn the sender once after a recipient has waited this long; 0: never. */
  delayWarningMs?: number;
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
  submitted_by: string | null;
  received_at: Date;
  lease_until: Date;
  is_delay_warned: boolean;
  body: Uint8Array | null;
}

// Bodies up to this size come with their claim, saving a query per message;
// larger ones are read when their turn comes, so a claim batch stays small in memory.
const BODY_WITH_CLAIM_BYTES = 65_536;

function toBuffer(body: Uint8Array): Buffer {
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/** Runs statements: one alone commits by itself, several share a transaction. */
async function runStatements(db: Db, statements: { sql: string; params: unknown[] }[]): Promise<void> {
  if (statements.length === 1) {
    await db.query(statements[0]!.sql, statements[0]!.params);
    return;
  }
  await db.transaction(async (tx) => {
    for (const st of statements) await tx.query(st.sql, st.params);
  });
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

  /**
   * Enqueues inside the caller's transaction (a notice that must commit with
   * the facts it reports); call `afterCommit` once the transaction is done.
   */
  async enqueueIn(sql: Sql, messages: NewMessage[]): Promise<{ ids: string[]; afterCommit: () => void }> {
    const ids = messages.map(() => newQueueId());
    const events = messages.map((m, i): RelayEvent => ({
      type: 'message.received',
      payload: { messageId: ids[i], sizeBytes: m.body.length, recipients: m.rcptTo.length, isDsn: m.isDsn ?? false },
    }));
    for (const st of enqueueStatements(messages, ids, events)) await sql.query(st.sql, st.params);
    return {
      ids,
      afterCommit: () => {
        this.#o.events.publish(events);
        for (const listener of this.#enqueueListeners) listener();
      },
    };
  }

  async #enqueueBatch(messages: NewMessage[]): Promise<string[]> {
    const ids = messages.map(() => newQueueId());
    const events = messages.map((m, i): RelayEvent => ({
      type: 'message.received',
      payload: { messageId: ids[i], sizeBytes: m.body.length, recipients: m.rcptTo.length, isDsn: m.isDsn ?? false },
    }));
    await runStatements(this.#o.db, enqueueStatements(messages, ids, events));
    this.#o.events.publish(events);
    for (const listener of this.#enqueueListeners) listener();
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
         returning r.id, r.message_id, r.rcpt_to, r.domain, r.lease_epoch, r.attempts, r.lease_until, r.next_attempt_at, r.is_delay_warned,
                   m.mail_from, m.submitted_by, m.received_at)
       select c.*, case when c.id = min(c.id) over (partition by c.message_id) and m.size_bytes <= ? then m.body end as body
       from claimed c join message m on m.id = c.message_id
       order by c.next_attempt_at, c.id`,
      [this.#o.nodeId, this.#o.leaseMs, ...(excludeDomains.length ? [excludeDomains] : []), limit, BODY_WITH_CLAIM_BYTES],
    );
    return rows.map((r) => ({
      recipientId: String(r.id),
      messageId: r.message_id,
      rcptTo: r.rcpt_to,
      domain: r.domain,
      epoch: Number(r.lease_epoch),
      attempts: Number(r.attempts),
      mailFrom: r.mail_from,
      submittedBy: r.submitted_by,
      receivedAt: new Date(r.received_at),
      leaseUntil: new Date(r.lease_until),
      isDelayWarned: Boolean(r.is_delay_warned),
      ...(r.body ? { body: toBuffer(r.body) } : {}),
    }));
  }

  /** The stored message, or null once it has been deleted. */
  async loadBody(messageId: string): Promise<Buffer | null> {
    const rows = await this.#o.db.query<{ body: Uint8Array | null }>('select body from message where id = ?', [messageId]);
    const body = rows[0]?.body;
    return body ? toBuffer(body) : null;
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
    const planned = this.#plan(lists.flat());
    // A DSN quotes the original headers: those messages are deleted only after it is queued.
    const failures = planned.filter((p) => (p.outcome.state === 'bounced' || p.outcome.state === 'expired') && p.outcome.sender);
    const keep = [...new Set(failures.map((p) => p.outcome.messageId))];
    const warnAfterMs = this.#o.delayWarningMs ?? 0;
    const delays = warnAfterMs > 0
      ? planned.filter(({ result: { claim }, outcome }) =>
          outcome.state === 'deferred' && outcome.sender && !claim.isDelayWarned && Date.now() - claim.receivedAt.getTime() >= warnAfterMs)
      : [];
    const needsDsn = [...failures, ...delays];
    const withEvidence = this.#o.evidence ? planned.filter((p) => p.outcome.evidence) : [];
    const events: RelayEvent[] = [];
    let remembered: unknown[] = [];
    const run = async (sql: Sql) => {
      const applied = new Set<string>();
      // Bounded statements: PostgreSQL takes at most 65535 parameters (14 per outcome here).
      for (let at = 0; at < planned.length; at += 2000) {
        const statement = recordStatement(planned.slice(at, at + 2000).map((p) => p.outcome), keep);
        for (const row of await sql.query<{ kind: string; id: string }>(statement.sql, statement.params)) {
          if (row.kind === 'applied') applied.add(row.id);
          else if (row.kind === 'alert') events.push(alertRaisedEvent(JSON.parse(row.id) as { id: string; kind: string; subject: string }));
          else events.push({ type: 'message.deleted', payload: { messageId: row.id } });
        }
      }
      const evidence = withEvidence.filter((p) => applied.has(p.outcome.recipientId)).map(({ outcome }) => ({
        recipientHash: outcome.recipientHash, kind: outcome.evidence!, category: outcome.category, enhanced: outcome.enhanced,
      }));
      if (evidence.length) remembered = await this.#o.evidence!.recordEvidence(sql, evidence);
      const notices = needsDsn.filter((p) => applied.has(p.outcome.recipientId));
      if (notices.length) events.push(...(await this.#queueDsns(sql, notices)));
      const warned = delays.filter((p) => applied.has(p.outcome.recipientId)).map((p) => p.outcome.recipientId);
      if (warned.length) await sql.query('update recipient set is_delay_warned = true where id in (?)', [warned]);
      if (keep.length) {
        const deleted = deleteFinishedStatement(keep);
        for (const row of await sql.query<{ id: string }>(deleted.sql, deleted.params)) {
          events.push({ type: 'message.deleted', payload: { messageId: row.id } });
        }
      }
      return applied;
    };
    const applied = needsDsn.length || withEvidence.length ? await this.#o.db.transaction(run) : await run(this.#o.db);
    if (remembered.length) this.#o.evidence!.remember(remembered);
    for (const { outcome, result } of planned) {
      if (!applied.has(outcome.recipientId)) continue;
      events.push({
        type: `recipient.${outcome.state}` as RelayEvent['type'],
        payload: {
          domain: outcome.domain, code: outcome.code, enhanced: outcome.enhanced, category: outcome.category,
          // Time since the message was received: delivery latency for metrics.
          ageMs: Date.now() - result.claim.receivedAt.getTime(),
          // In-process only (never written to the event table): lets a mail user follow their own deliveries.
          login: result.claim.submittedBy,
        },
      });
    }
    this.#o.events.publish(events);
    if (this.#o.observer) this.#tellObserver(planned.filter((p) => applied.has(p.outcome.recipientId)));
    if (events.some((e) => e.type === 'message.received')) for (const listener of this.#enqueueListeners) listener();
    return lists.map((list) => list.filter((r) => applied.has(r.claim.recipientId)).length);
  }

  #tellObserver(applied: { result: AttemptResult; outcome: PlannedOutcome }[]): void {
    const at = new Date();
    const facts: AddressFact[] = [];
    for (const { result, outcome } of applied) {
      const fact = outcome.state === 'delivered' ? 'delivered' : outcome.evidence;
      if (fact) facts.push({ address: result.claim.rcptTo, fact, enhanced: outcome.enhanced, at });
    }
    if (facts.length) this.#o.observer!.observe(facts);
  }

  /** The new state of each recipient: delivered, bounced, deferred until a later time, or expired. */
  #plan(results: AttemptResult[]): { result: AttemptResult; outcome: PlannedOutcome }[] {
    const now = new Date();
    return results.map((result) => {
      const { claim, reply } = result;
      const { category, action } = classifyReply(reply);
      // A policy block (our IP listed) or a rate limit defers even on a 5xx:
      // the address is not at fault, and it must never be bounced for it.
      const verdict = result.isPermanent ? 'bounce' : action;
      let state: RecipientState = verdict === 'deliver' ? 'delivered' : verdict === 'bounce' ? 'bounced' : 'deferred';
      let next: Date | null = null;
      if (state === 'deferred') {
        next = nextAttemptAt(this.#o.schedule, claim.attempts + 1, claim.receivedAt, now, this.#o.random);
        if (next === null) state = 'expired';
      }
      return {
        result,
        outcome: {
          recipientId: claim.recipientId, epoch: claim.epoch, messageId: claim.messageId, state, category, next,
          code: reply.code, enhanced: reply.enhanced, text: redactAddress(reply.text, claim.rcptTo), mxHost: result.mxHost, isTls: result.isTls,
          recipientHash: this.#o.hashAddress(claim.rcptTo), domain: claim.domain, sender: claim.mailFrom.toLowerCase(),
          evidence: addressEvidence(category, state),
        },
      };
    });
  }

  /** Queues one DSN per message for its failed (or delayed) recipients, in the caller's transaction. */
  async #queueDsns(sql: Sql, failed: { result: AttemptResult; outcome: PlannedOutcome }[]): Promise<RelayEvent[]> {
    const byMessage = new Map<string, typeof failed>();
    for (const f of failed) byMessage.set(f.outcome.messageId, [...(byMessage.get(f.outcome.messageId) ?? []), f]);
    const rows = await sql.query<{ id: string; body: Uint8Array | null; is_dsn: boolean; received_at: Date }>(
      'select id, body, is_dsn, received_at from message where id in (?)',
      [[...byMessage.keys()]],
    );
    const dsns: NewMessage[] = [];
    for (const row of rows) {
      // RFC 3464 §2: never a DSN about a DSN (nor, as the caller ensures, for a null sender).
      if (row.is_dsn || !row.body) continue;
      const list = byMessage.get(row.id)!;
      const mailFrom = list[0]!.result.claim.mailFrom;
      const recipients: FailedRecipient[] = list.map(({ result, outcome }) => ({
        rcptTo: result.claim.rcptTo,
        reason: outcome.state === 'expired' ? 'expired' : outcome.state === 'deferred' ? 'delayed' : 'bounced',
        reply: result.reply,
        remoteMta: result.mxHost,
        lastAttemptAt: new Date(),
      }));
      const body = buildDsn({
        reportingMta: this.#o.hostname,
        queueId: row.id,
        mailFrom,
        arrivalDate: new Date(row.received_at),
        originalHeaders: headersOf(Buffer.from(row.body)),
        recipients,
      });
      dsns.push({ mailFrom: '', submittedBy: null, rcptTo: [mailFrom], body, isDsn: true });
    }
    if (dsns.length === 0) return [];
    const ids = dsns.map(() => newQueueId());
    const events = dsns.map((m, i): RelayEvent => ({
      type: 'message.received',
      payload: { messageId: ids[i], sizeBytes: m.body.length, recipients: 1, isDsn: true },
    }));
    for (const st of enqueueStatements(dsns, ids, events)) await sql.query(st.sql, st.params);
    return events;
  }
}
