// What postqueue/postsuper do: list the queue, and retry, hold, release or
// delete one message or all of them. Active recipients (a delivery in flight)
// are left alone by hold and retry: their worker records the outcome.
import type { Db } from '../db/index.ts';
import type { QueuedMessage, QueueSelector, RecipientState } from './types.ts';

export interface QueueFilter {
  state?: RecipientState;
  messageId?: string;
  limit?: number;
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

function where(selector: QueueSelector): { sql: string; params: unknown[] } {
  return 'messageId' in selector ? { sql: 'message_id = ?', params: [selector.messageId] } : { sql: 'true', params: [] };
}

export class QueueAdmin {
  readonly #db: Db;

  constructor(options: { db: Db }) {
    this.#db = options.db;
  }

  async list(filter: QueueFilter = {}): Promise<QueuedMessage[]> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (filter.messageId) {
      conditions.push('m.id = ?');
      params.push(filter.messageId);
    }
    if (filter.state) {
      conditions.push('m.id in (select message_id from recipient where state = ?)');
      params.push(filter.state);
    }
    params.push(filter.limit ?? 1000);
    const rows = await this.#db.query<ListRow>(
      `select m.id as message_id, m.mail_from, m.submitted_by, m.size_bytes, m.received_at,
              r.id, r.rcpt_to, r.state, r.attempts, r.next_attempt_at, r.last_code, r.last_enhanced, r.last_text,
              r.last_mx, r.last_tls, r.last_attempt_at
       from (select * from message m ${conditions.length ? `where ${conditions.join(' and ')}` : ''}
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

  /** Makes queued/deferred recipients due now (postqueue -f / -i). Returns recipients affected. */
  async retry(selector: QueueSelector): Promise<number> {
    const w = where(selector);
    return this.#count(`update recipient set next_attempt_at = now() where state in ('queued', 'deferred') and ${w.sql} returning id`, w.params);
  }

  /** Puts queued/deferred recipients on hold (postsuper -h). */
  async hold(selector: QueueSelector): Promise<number> {
    const w = where(selector);
    return this.#count(`update recipient set state = 'held' where state in ('queued', 'deferred') and ${w.sql} returning id`, w.params);
  }

  /** Takes held recipients off hold, due at once (postsuper -H). */
  async release(selector: QueueSelector): Promise<number> {
    const w = where(selector);
    return this.#count(
      `update recipient set state = case when attempts > 0 then 'deferred' else 'queued' end, next_attempt_at = now()
       where state = 'held' and ${w.sql} returning id`,
      w.params,
    );
  }

  /** Deletes messages with all their recipients, without DSN (postsuper -d). Returns messages deleted. */
  async remove(selector: QueueSelector): Promise<number> {
    const sql = 'messageId' in selector ? 'delete from message where id = ? returning id' : 'delete from message returning id';
    return this.#count(sql, 'messageId' in selector ? [selector.messageId] : []);
  }

  async #count(sql: string, params: unknown[]): Promise<number> {
    return (await this.#db.query(sql, params)).length;
  }
}
