// What postqueue/postsuper do: list the queue, and retry, hold, release or
// delete one message, all of them, or those a filter matches (by sender,
// submitting user, destination domain, age, state). Active recipients (a
// delivery in flight) are left alone by hold and retry: their worker records
// the outcome. Listing pages by a cursor, so an API can walk a large queue.
import type { Db } from '../db/index.ts';
import { domainOf } from '../stats/index.ts';
import { subjectOf } from './subject.ts';
import type { QueuedMessage, QueueFilter, QueueListOptions, QueueSelector, RecipientState } from './types.ts';

/** A refused queue request (bad filter or cursor); `message` is safe to show to whoever asked. */
export class QueueError extends Error {
  readonly code = 'INVALID_INPUT';
}

const STATES: readonly RecipientState[] = ['queued', 'active', 'deferred', 'held', 'delivered', 'bounced', 'expired'];
const MAX_LIMIT = 10_000;
/** Queue ids start with the enqueue time in milliseconds, 12 hex digits (newQueueId). */
const QUEUE_ID = /^[0-9A-F]{12}[0-9A-F]*$/;
/** The header block of nearly every message fits; a Subject beyond it is not shown. */
const HEAD_BYTES = 8192;

interface Where {
  /** Conditions on `message m`. */
  message: string[];
  /** Conditions on `recipient r`. */
  recipient: string[];
  messageParams: unknown[];
  recipientParams: unknown[];
}

function filterOf(selector: QueueSelector): QueueFilter {
  if ('messageId' in selector) return { messageId: selector.messageId };
  if ('filter' in selector) return selector.filter;
  return {};
}

/** SQL conditions for a filter; throws QueueError on a value no message could match for a reason the caller should hear. */
function whereOf(filter: QueueFilter): Where {
  const w: Where = { message: [], recipient: [], messageParams: [], recipientParams: [] };
  if (filter.messageId !== undefined) {
    w.message.push('m.id = ?');
    w.messageParams.push(filter.messageId);
  }
  if (filter.sender !== undefined) {
    w.message.push('lower(m.mail_from) = ?');
    w.messageParams.push(filter.sender.trim().toLowerCase());
  }
  if (filter.submittedBy === null) w.message.push('m.submitted_by is null');
  else if (filter.submittedBy !== undefined) {
    w.message.push('m.submitted_by = ?');
    w.messageParams.push(filter.submittedBy.trim().toLowerCase());
  }
  if (filter.olderThanMs !== undefined) {
    if (!Number.isFinite(filter.olderThanMs) || filter.olderThanMs < 0) throw new QueueError('olderThanMs must be a number of milliseconds, 0 or more');
    w.message.push('m.received_at < now() - make_interval(secs => ?::double precision / 1000)');
    w.messageParams.push(filter.olderThanMs);
  }
  if (filter.state !== undefined) {
    if (!STATES.includes(filter.state)) throw new QueueError(`unknown state "${filter.state}": use one of ${STATES.join(', ')}`);
    w.recipient.push('r.state = ?');
    w.recipientParams.push(filter.state);
  }
  if (filter.domain !== undefined) {
    w.recipient.push('r.domain = ?');
    w.recipientParams.push(domainOf(`x@${filter.domain.trim()}`));
  }
  return w;
}

/** Conditions on `message m`, including "has a matching recipient" when the filter has recipient conditions. */
function messageWhere(w: Where): { sql: string; params: unknown[] } {
  const parts = [...w.message];
  if (w.recipient.length) parts.push(`exists (select 1 from recipient r where r.message_id = m.id and ${w.recipient.join(' and ')})`);
  return { sql: parts.length ? parts.join(' and ') : 'true', params: [...w.messageParams, ...w.recipientParams] };
}

/** Conditions on `recipient r` for retry/hold/release. */
function recipientWhere(w: Where): { sql: string; params: unknown[] } {
  const parts = [...w.recipient];
  if (w.message.length) parts.push(`r.message_id in (select m.id from message m where ${w.message.join(' and ')})`);
  return { sql: parts.length ? parts.join(' and ') : 'true', params: [...w.recipientParams, ...w.messageParams] };
}

interface ListRow {
  message_id: string;
  mail_from: string;
  submitted_by: string | null;
  size_bytes: number;
  received_at: Date;
  id: string | number;
  rcpt_to: string;
  state: RecipientState;
  attempts: number;
  next_attempt_at: Date;
  last_code: number | null;
  last_enhanced: string | null;
  last_text: string | null;
  last_mx: string | null;
  last_tls: boolean | null;
  last_attempt_at: Date | null;
}

export class QueueAdmin {
  readonly #db: Db;

  constructor(options: { db: Db }) {
    this.#db = options.db;
  }

  /**
   * A page of the queue: the messages the filter matches, each with all its
   * recipients, ordered by (receivedAt, id), starting after `options.after`.
   * Throws QueueError for a bad filter or cursor.
   */
  async list(options: QueueListOptions = {}): Promise<QueuedMessage[]> {
    const { limit = 1000, after, ...filter } = options;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new QueueError(`limit must be a whole number from 1 to ${MAX_LIMIT}`);
    const where = messageWhere(whereOf(filter));
    const conditions = [where.sql];
    const params = [...where.params];
    if (after !== undefined) {
      const id = after.trim().toUpperCase();
      if (!QUEUE_ID.test(id)) throw new QueueError(`bad cursor "${after}": give the id of the last message seen`);
      // Where the cursor's message was, or, once it is gone, the time its id was made.
      conditions.push('(m.received_at, m.id) > (coalesce((select received_at from message where id = ?), ?::timestamptz), ?)');
      params.push(id, new Date(parseInt(id.slice(0, 12), 16)), id);
    }
    params.push(limit);
    const rows = await this.#db.query<ListRow>(
      `select m.id as message_id, m.mail_from, m.submitted_by, m.size_bytes, m.received_at,
              r.id, r.rcpt_to, r.state, r.attempts, r.next_attempt_at, r.last_code, r.last_enhanced, r.last_text,
              r.last_mx, r.last_tls, r.last_attempt_at
       from (select * from message m where ${conditions.join(' and ')}
             order by received_at, id limit ?) m
       join recipient r on r.message_id = m.id
       order by m.received_at, m.id, r.id`,
      params,
    );
    const messages = new Map<string, QueuedMessage>();
    for (const row of rows) {
      let message = messages.get(row.message_id);
      if (!message) {
        message = {
          id: row.message_id,
          mailFrom: row.mail_from,
          submittedBy: row.submitted_by,
          sizeBytes: Number(row.size_bytes),
          receivedAt: new Date(row.received_at),
          recipients: [],
        };
        messages.set(row.message_id, message);
      }
      message.recipients.push({
        id: String(row.id),
        rcptTo: row.rcpt_to,
        state: row.state,
        attempts: Number(row.attempts),
        nextAttemptAt: new Date(row.next_attempt_at),
        lastReply: row.last_code === null ? null : { code: Number(row.last_code), enhanced: row.last_enhanced, text: row.last_text ?? '' },
        lastMx: row.last_mx,
        lastTls: row.last_tls,
        lastAttemptAt: row.last_attempt_at ? new Date(row.last_attempt_at) : null,
      });
    }
    return [...messages.values()];
  }

  /**
   * The decoded Subject of each message (null: no such header, or no such
   * message), read from its first HEAD_BYTES only, however large the message.
   */
  async subjectsOf(messageIds: readonly string[]): Promise<Map<string, string | null>> {
    const subjects = new Map<string, string | null>(messageIds.map((id) => [id, null]));
    if (messageIds.length === 0) return subjects;
    if (messageIds.length > MAX_LIMIT) throw new QueueError(`at most ${MAX_LIMIT} messages at a time`);
    const rows = await this.#db.query<{ id: string; head: Uint8Array | null }>(
      `select id, substring(body from 1 for ${HEAD_BYTES}) as head from message where id in (?)`,
      [[...new Set(messageIds)]],
    );
    for (const row of rows) {
      if (row.head) subjects.set(row.id, subjectOf(Buffer.from(row.head.buffer, row.head.byteOffset, row.head.byteLength)));
    }
    return subjects;
  }

  /** Makes queued/deferred recipients due now (postqueue -f / -i). Returns recipients affected. */
  async retry(selector: QueueSelector): Promise<number> {
    const w = recipientWhere(whereOf(filterOf(selector)));
    return this.#count(`update recipient r set next_attempt_at = now() where r.state in ('queued', 'deferred') and ${w.sql} returning r.id`, w.params);
  }

  /** Puts queued/deferred recipients on hold (postsuper -h). Returns recipients affected. */
  async hold(selector: QueueSelector): Promise<number> {
    const w = recipientWhere(whereOf(filterOf(selector)));
    return this.#count(`update recipient r set state = 'held' where r.state in ('queued', 'deferred') and ${w.sql} returning r.id`, w.params);
  }

  /** Takes held recipients off hold, due at once (postsuper -H). Returns recipients affected. */
  async release(selector: QueueSelector): Promise<number> {
    const w = recipientWhere(whereOf(filterOf(selector)));
    return this.#count(
      `update recipient r set state = case when r.attempts > 0 then 'deferred' else 'queued' end, next_attempt_at = now()
       where r.state = 'held' and ${w.sql} returning r.id`,
      w.params,
    );
  }

  /**
   * Deletes whole messages with all their recipients, without DSN (postsuper
   * -d): with a filter, every message it matches (one recipient matching
   * `state`/`domain` is enough). Returns messages deleted.
   */
  async remove(selector: QueueSelector): Promise<number> {
    const w = messageWhere(whereOf(filterOf(selector)));
    return this.#count(`delete from message m where ${w.sql} returning m.id`, w.params);
  }

  /** Recipients waiting in the queue by state, for everyone or for the mail of one submitting user. */
  async countByState(submittedBy?: string): Promise<Record<'queued' | 'active' | 'deferred' | 'held', number>> {
    const rows = await this.#db.query<{ state: string; n: number }>(
      `select r.state, count(*)::int as n from recipient r
       ${submittedBy === undefined ? '' : 'join message m on m.id = r.message_id where m.submitted_by = ?'} group by r.state`,
      submittedBy === undefined ? [] : [submittedBy],
    );
    const of = (state: string) => Number(rows.find((r) => r.state === state)?.n ?? 0);
    return { queued: of('queued'), active: of('active'), deferred: of('deferred'), held: of('held') };
  }

  async #count(sql: string, params: unknown[]): Promise<number> {
    return (await this.#db.query(sql, params)).length;
  }
}
