// The suppression list's statements and row mapping, apart from the rules in
// suppression.ts. Every time is a parameter (the service's clock), never SQL
// now(), so that tests can move the clock and nodes agree with their callers.
import type { Sql } from '../db/index.ts';

/**
 * Why a recipient is suppressed:
 * - `manual`: an admin added it, with the plaintext address;
 * - `hard-bounce`: enough hard bounces (unknown mailbox or domain, disabled);
 * - `soft-bounce`: enough soft bounces (mailbox full…) within the window;
 * - `complaint`: enough complaints (ARF abuse reports).
 */
export type SuppressionSource = 'manual' | 'hard-bounce' | 'soft-bounce' | 'complaint';

/** Evidence kinds; anything else handed to recordEvidence is ignored. */
export type EvidenceKind = 'hard' | 'soft' | 'complaint';

export interface SuppressionEntry {
  id: string;
  recipientHash: string;
  /** Plaintext only for entries an admin added by hand; null for automatic ones. */
  address: string | null;
  /** `''`: every sender; `user:<login>`: mail that user submits; `domain:<domain>`: mail from that envelope sender domain. */
  scope: string;
  source: SuppressionSource;
  reason: string;
  createdAt: Date;
  /** null: never expires. */
  expiresAt: Date | null;
  createdBy: string | null;
}

interface EntryRow {
  id: string;
  recipient_hash: string;
  address: string | null;
  scope: string;
  source: SuppressionSource;
  reason: string;
  created_at: Date | string;
  expires_at: Date | string | null;
  created_by: string | null;
}

const ENTRY_COLUMNS = 'id::text as id, recipient_hash, address, scope, source, reason, created_at, expires_at, created_by';

// PostgreSQL takes at most 65535 parameters in one statement.
const ROWS_PER_STATEMENT = 5000;

function toEntry(r: EntryRow): SuppressionEntry {
  return {
    id: r.id,
    recipientHash: r.recipient_hash,
    address: r.address,
    scope: r.scope,
    source: r.source,
    reason: r.reason,
    createdAt: new Date(r.created_at),
    expiresAt: r.expires_at === null ? null : new Date(r.expires_at),
    createdBy: r.created_by,
  };
}

function valuesList(rows: number, row: string): string {
  return Array.from({ length: rows }, () => row).join(', ');
}

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += ROWS_PER_STATEMENT) out.push(items.slice(i, i + ROWS_PER_STATEMENT));
  return out;
}

/** An ISO time, or -infinity for "since ever". */
export function sqlTime(date: Date | null): string {
  return date === null ? '-infinity' : date.toISOString();
}

/** Entries not expired at `now`, newest first; `where` narrows with its own `params`. */
export async function selectActive(
  sql: Sql,
  now: Date,
  filter: { where?: string; params?: unknown[]; limit?: number } = {},
): Promise<SuppressionEntry[]> {
  const limit = filter.limit === undefined ? '' : `limit ${Math.trunc(filter.limit)}`;
  const rows = await sql.query<EntryRow>(
    `select ${ENTRY_COLUMNS} from suppression
     where (expires_at is null or expires_at > ?::timestamptz) and ${filter.where ?? 'true'}
     order by created_at desc, id desc ${limit}`,
    [sqlTime(now), ...(filter.params ?? [])],
  );
  return rows.map(toEntry);
}

/**
 * What changes whenever a row is inserted, replaced or deleted: upserts give
 * the row a new id (see below), so count and highest id are enough.
 */
export async function selectSignature(sql: Sql): Promise<string> {
  const rows = await sql.query<{ n: number; max_id: string | null }>('select count(*)::int as n, max(id)::text as max_id from suppression');
  return `${rows[0]!.n}:${rows[0]!.max_id ?? ''}`;
}

export async function deleteExpired(sql: Sql, now: Date): Promise<void> {
  await sql.query('delete from suppression where expires_at <= ?::timestamptz', [sqlTime(now)]);
}

export interface NewEntry {
  recipientHash: string;
  address: string | null;
  scope: string;
  source: SuppressionSource;
  reason: string;
  expiresAt: Date | null;
  createdBy: string | null;
}

/**
 * Inserts entries. `replace: 'always'` replaces an entry of the same hash and
 * scope (an admin's word wins); `'expired'` replaces it only once it has
 * expired (automatic entries never shorten nor override a live one). A
 * replaced row takes the new id its insert drew, so other nodes notice it.
 * Returns the rows written.
 */
export async function upsertEntries(sql: Sql, entries: NewEntry[], now: Date, replace: 'always' | 'expired'): Promise<SuppressionEntry[]> {
  const written: SuppressionEntry[] = [];
  for (const chunk of chunks(entries)) {
    const params: unknown[] = chunk.flatMap((e) => [
      e.recipientHash, e.address, e.scope, e.source, e.reason, sqlTime(now), e.expiresAt && sqlTime(e.expiresAt), e.createdBy,
    ]);
    let condition = '';
    if (replace === 'expired') {
      condition = 'where s.expires_at is not null and s.expires_at <= ?::timestamptz';
      params.push(sqlTime(now));
    }
    const rows = await sql.query<EntryRow>(
      `insert into suppression as s (recipient_hash, address, scope, source, reason, created_at, expires_at, created_by)
       values ${valuesList(chunk.length, '(?, ?, ?, ?, ?, ?::timestamptz, ?::timestamptz, ?)')}
       on conflict (recipient_hash, scope) do update set
         id = excluded.id, address = excluded.address, source = excluded.source, reason = excluded.reason,
         created_at = excluded.created_at, expires_at = excluded.expires_at, created_by = excluded.created_by
       ${condition}
       returning ${ENTRY_COLUMNS}`,
      params,
    );
    written.push(...rows.map(toEntry));
  }
  return written;
}

export interface EvidenceRow {
  recipientHash: string;
  kind: EvidenceKind;
  category: string;
  enhanced: string | null;
}

export async function insertEvidence(sql: Sql, items: EvidenceRow[], now: Date): Promise<void> {
  for (const chunk of chunks(items)) {
    await sql.query(
      `insert into bounce_evidence (recipient_hash, kind, category, enhanced, observed_at)
       values ${valuesList(chunk.length, '(?, ?, ?, ?, ?::timestamptz)')}`,
      chunk.flatMap((e) => [e.recipientHash, e.kind, e.category, e.enhanced, sqlTime(now)]),
    );
  }
}

/** Evidence of one kind for one hash inside that kind's window, with the latest item's details. */
export interface Tally {
  recipientHash: string;
  kind: EvidenceKind;
  count: number;
  category: string;
  enhanced: string | null;
}

/** Counts evidence per hash and kind observed after each kind's `since` (null: ever). */
export async function tallyEvidence(sql: Sql, hashes: string[], since: Record<EvidenceKind, Date | null>): Promise<Tally[]> {
  const rows = await sql.query<{ recipient_hash: string; kind: EvidenceKind; n: number; category: string; enhanced: string | null }>(
    `select recipient_hash, kind, count(*)::int as n,
            (array_agg(category order by observed_at desc, id desc))[1] as category,
            (array_agg(enhanced order by observed_at desc, id desc))[1] as enhanced
     from bounce_evidence
     where recipient_hash in (?)
       and ((kind = 'hard' and observed_at > ?::timestamptz)
         or (kind = 'soft' and observed_at > ?::timestamptz)
         or (kind = 'complaint' and observed_at > ?::timestamptz))
     group by recipient_hash, kind`,
    [hashes, sqlTime(since.hard), sqlTime(since.soft), sqlTime(since.complaint)],
  );
  return rows.map((r) => ({ recipientHash: r.recipient_hash, kind: r.kind, count: r.n, category: r.category, enhanced: r.enhanced }));
}

/** Everything known about one recipient hash, for `relais suppression check`. */
export async function selectHistory(sql: Sql, recipientHash: string): Promise<{
  evidence: { kind: string; category: string; count: number; lastAt: Date }[];
  outcomes: { outcome: string; category: string; count: number }[];
  lastSuccessOn: Date | null;
}> {
  const evidence = await sql.query<{ kind: string; category: string; n: number; last_at: Date | string }>(
    `select kind, category, count(*)::int as n, max(observed_at) as last_at from bounce_evidence
     where recipient_hash = ? group by kind, category order by last_at desc, kind, category`,
    [recipientHash],
  );
  const outcomes = await sql.query<{ outcome: string; category: string; n: number }>(
    `select outcome, category, sum(count)::int as n from recipient_category_stat
     where recipient_hash = ? group by outcome, category order by outcome, category`,
    [recipientHash],
  );
  const success = await sql.query<{ delivered_on: Date | string }>('select delivered_on from recipient_last_success where recipient_hash = ?', [
    recipientHash,
  ]);
  return {
    evidence: evidence.map((r) => ({ kind: r.kind, category: r.category, count: r.n, lastAt: new Date(r.last_at) })),
    outcomes: outcomes.map((r) => ({ outcome: r.outcome, category: r.category, count: r.n })),
    lastSuccessOn: success[0] ? new Date(success[0].delivered_on) : null,
  };
}
