// The queue's write statements, each built as ONE SQL statement of
// data-modifying WITH parts: a message batch, or a batch of attempt outcomes
// with their counters, attempt log, events and finished messages, costs one
// round trip to the database instead of one per table.
import { randomBytes } from 'node:crypto';
import { EventBus, type RelayEvent } from '../events/index.ts';
import { alertEventInsertSql, alertInsertSql, HOUR_KEY_SQL } from '../alerts/index.ts';
import { categoryUpsertSql, COUNTERS, counterUpsertSql, counterValues, domainOf, type CounterTable } from '../stats/index.ts';
import type { NewMessage, RecipientState } from './types.ts';

export interface Statement {
  sql: string;
  params: unknown[];
}

/** Placeholders for a multi-row VALUES list. */
export function valuesList(rows: number, row: string): string {
  return Array.from({ length: rows }, () => row).join(', ');
}

export function newQueueId(): string {
  // Time first so ids sort roughly by arrival, like Postfix long queue ids.
  return Date.now().toString(16).toUpperCase().padStart(12, '0') + randomBytes(4).toString('hex').toUpperCase();
}

function withParts(parts: Statement[], final: string): Statement {
  return {
    sql: `with ${parts.map((p, i) => `w${i} as (${p.sql})`).join(',\n')}\n${final}`,
    params: parts.flatMap((p) => p.params),
  };
}

// PostgreSQL takes at most 65535 parameters in one statement.
const RECIPIENT_ROWS_PER_STATEMENT = 5000;

/**
 * Statements that insert `messages` (ids given), their recipients, the
 * senders' `received` counters and the events. Usually one statement; more
 * only for recipient lists too long for one.
 */
export function enqueueStatements(messages: NewMessage[], ids: string[], events: RelayEvent[]): Statement[] {
  const rows = messages.flatMap((m, i) => m.rcptTo.map((rcpt) => [ids[i], rcpt, domainOf(rcpt)]));
  const recipientInsert = (chunk: unknown[][]): Statement => ({
    sql: `insert into recipient (message_id, rcpt_to, domain, state) values ${valuesList(chunk.length, "(?, ?, ?, 'queued')")}`,
    params: chunk.flat(),
  });
  const parts: Statement[] = [
    {
      sql: `insert into message (id, mail_from, submitted_by, size_bytes, body, is_dsn) values ${valuesList(messages.length, '(?, ?, ?, ?, ?, ?)')}`,
      params: messages.flatMap((m, i) => [ids[i], m.mailFrom, m.submittedBy, m.body.length, m.body, m.isDsn ?? false]),
    },
    recipientInsert(rows.slice(0, RECIPIENT_ROWS_PER_STATEMENT)),
  ];
  const received = new Map<string, { received: number }>();
  for (const m of messages) {
    if (!m.mailFrom || m.isDsn) continue;
    const key = m.mailFrom.toLowerCase();
    received.set(key, { received: (received.get(key)?.received ?? 0) + 1 });
  }
  if (received.size) {
    const values = counterValues(received);
    parts.push({ sql: counterUpsertSql('sender_stat', values.sql), params: values.params });
  }
  const eventInsert = EventBus.insertSql(events);
  if (eventInsert) parts.push(eventInsert);
  const statements = [withParts(parts, 'select 1')];
  for (let at = RECIPIENT_ROWS_PER_STATEMENT; at < rows.length; at += RECIPIENT_ROWS_PER_STATEMENT) {
    statements.push(recipientInsert(rows.slice(at, at + RECIPIENT_ROWS_PER_STATEMENT)));
  }
  return statements;
}

/** One planned outcome, before fencing decides whether it applies. */
export interface PlannedOutcome {
  recipientId: string;
  epoch: number;
  messageId: string;
  state: RecipientState;
  /** What the reply means (relay-core/bounces classification). */
  category: string;
  next: Date | null;
  code: number;
  enhanced: string | null;
  text: string;
  mxHost: string | null;
  isTls: boolean | null;
  recipientHash: string;
  domain: string;
  /** Lower-cased envelope sender, '' for the null sender. */
  sender: string;
  /** What this outcome says about the address itself, for the suppression rules; null: nothing. */
  evidence: 'hard' | 'soft' | null;
}

const FINAL = "('delivered', 'bounced', 'expired')";

function countsFrom(keyColumn: string, where = 'true'): string {
  return `select ${keyColumn}, ${COUNTERS.map((c) => `(count(*) filter (where state = '${c}'))::int`).join(', ')}
    from applied where ${where} group by ${keyColumn}`;
}

/**
 * One statement for a batch of outcomes: the fenced recipient update (only
 * rows still leased under the same epoch change), then, for the rows it
 * changed, the attempt log, the three counter tables, the events, and the
 * counts by category, the last successful delivery per recipient hash (which
 * also clears its soft-bounce evidence), one alert per destination and hour
 * that blocks us (policy block), and the deletion of messages left with no
 * pending recipient (except `keepMessageIds`, whose DSN still needs the body).
 * Returns rows (kind, id): 'applied' recipient ids, 'deleted' message ids and
 * 'alert' rows (id: the alert as JSON).
 */
export function recordStatement(outcomes: PlannedOutcome[], keepMessageIds: string[]): Statement {
  const counts = (table: CounterTable, key: string, where?: string) => counterUpsertSql(table, countsFrom(key, where));
  const values = `select * from (values ${valuesList(outcomes.length, '(?::bigint, ?::int, ?::text, ?::text, ?::timestamptz, ?::int, ?::text, ?::text, ?::text, ?::boolean, ?::text, ?::text, ?::text, ?::text)')})
    as v(id, epoch, message_id, state, next, code, enhanced, text, mx, tls, hash, domain, sender, category)`;
  const params: unknown[] = outcomes.flatMap((o) => [
    o.recipientId, o.epoch, o.messageId, o.state, o.next, o.code, o.enhanced, o.text.slice(0, 2000), o.mxHost, o.isTls,
    o.recipientHash, o.domain, o.sender, o.category,
  ]);
  if (keepMessageIds.length) params.push(keepMessageIds);
  const sql = `with outcome as (${values}),
updated as (
  update recipient r set state = v.state, attempts = r.attempts + 1,
         next_attempt_at = coalesce(v.next, r.next_attempt_at), lease_owner = null, lease_until = null,
         last_code = v.code, last_enhanced = v.enhanced, last_text = v.text, last_mx = v.mx, last_tls = v.tls,
         last_attempt_at = now()
  from outcome v
  where r.id = v.id and r.lease_epoch = v.epoch and r.state = 'active'
  returning r.id),
applied as (select o.* from outcome o join updated u on u.id = o.id),
attempts as (
  -- Keyed by recipient hash, not by message: the log outlives the message.
  insert into attempt (recipient_hash, domain, outcome, category, mx_host, is_tls, code, enhanced, text)
  select hash, domain, state, category, mx, tls, code, enhanced, text from applied),
sender_counts as (${counts('sender_stat', 'sender', "sender <> ''")}),
recipient_counts as (${counts('recipient_stat', 'hash')}),
destination_counts as (${counts('destination_stat', 'domain')}),
sender_categories as (${categoryUpsertSql('sender_category_stat',
    "select sender, state, category, count(*)::int from applied where state <> 'delivered' and sender <> '' group by sender, state, category")}),
recipient_categories as (${categoryUpsertSql('recipient_category_stat',
    "select hash, state, category, count(*)::int from applied where state <> 'delivered' group by hash, state, category")}),
last_success as (
  insert into recipient_last_success (recipient_hash, delivered_on)
  select distinct hash, date_trunc('day', now()) from applied where state = 'delivered'
  on conflict (recipient_hash) do update set delivered_on = excluded.delivered_on),
soft_cleared as (
  delete from bounce_evidence where kind = 'soft' and recipient_hash in (select hash from applied where state = 'delivered')),
alerts as (${alertInsertSql(`select distinct on (domain) 'policy-block', domain,
    jsonb_build_object('mx', mx, 'code', code, 'enhanced', enhanced, 'text', left(text, 300)),
    'policy-block:' || domain || ':' || ${HOUR_KEY_SQL}
    from applied where category = 'policy-block' order by domain`)}),
alert_events as (${alertEventInsertSql('alerts')}),
recipient_events as (
  insert into event (type, payload)
  select 'recipient.' || state, jsonb_build_object('domain', domain, 'code', code, 'enhanced', enhanced, 'category', category) from applied),
deleted as (
  delete from message m
  where m.id in (select message_id from applied where state in ${FINAL})
    ${keepMessageIds.length ? 'and m.id not in (?)' : ''}
    and not exists (
      select 1 from recipient r where r.message_id = m.id and r.state not in ${FINAL}
      and r.id not in (select id from applied where state in ${FINAL}))
  returning m.id),
deleted_events as (
  insert into event (type, payload) select 'message.deleted', jsonb_build_object('messageId', id) from deleted)
select 'applied' as kind, id::text as id from updated
union all select 'deleted', id from deleted
union all select 'alert', json_build_object('id', id::text, 'kind', kind, 'subject', subject)::text from alerts`;
  return { sql, params };
}

/** Deletes the given messages if none of their recipients is pending any more. */
export function deleteFinishedStatement(messageIds: string[]): Statement {
  return {
    sql: `with deleted as (
            delete from message m where m.id in (?)
            and not exists (select 1 from recipient r where r.message_id = m.id and r.state not in ${FINAL})
            returning m.id),
          events as (insert into event (type, payload) select 'message.deleted', jsonb_build_object('messageId', id) from deleted)
          select id from deleted`,
    params: [messageIds],
  };
}
