export type CounterName = 'received' | 'delivered' | 'deferred' | 'bounced' | 'expired';

export const COUNTERS: readonly CounterName[] = ['received', 'delivered', 'deferred', 'bounced', 'expired'];

/** Counters are kept per sender, per recipient (keyed hash) or per destination domain: never per pair. */
export type CounterTable = 'sender_stat' | 'recipient_stat' | 'destination_stat';

const KEY_COLUMN: Record<CounterTable, string> = { sender_stat: 'sender', recipient_stat: 'recipient_hash', destination_stat: 'domain' };
// Recipient counters use day buckets so that their timing is coarser than the
// senders' hourly ones (privacy: no pairing by timestamp).
const BUCKET: Record<CounterTable, string> = { sender_stat: 'hour', recipient_stat: 'day', destination_stat: 'hour' };

/**
 * SQL that adds to the current bucket of `table` the rows of `rowsSql`, a
 * query or VALUES list yielding (key, received, delivered, deferred, bounced,
 * expired) with one row per key. Usable as a statement or inside a WITH.
 * Rows are written in key order, so concurrent writers lock them in one order.
 */
export function counterUpsertSql(table: CounterTable, rowsSql: string): string {
  const key = KEY_COLUMN[table];
  const columns = COUNTERS.join(', ');
  return `insert into ${table} (${key}, bucket, ${columns})
    select k, date_trunc('${BUCKET[table]}', now()), ${COUNTERS.map((c) => `c_${c}`).join(', ')}
    from (${rowsSql}) as rows (k, ${COUNTERS.map((c) => `c_${c}`).join(', ')})
    order by k
    on conflict (${key}, bucket) do update set ${COUNTERS.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ')}`;
}

/** A VALUES list of counts per key for counterUpsertSql, with its parameters. */
export function counterValues(counts: Map<string, Partial<Record<CounterName, number>>>): { sql: string; params: unknown[] } {
  const rows = [...counts];
  return {
    sql: `values ${rows.map(() => `(?::text, ${COUNTERS.map(() => '?::int').join(', ')})`).join(', ')}`,
    params: rows.flatMap(([key, c]) => [key, ...COUNTERS.map((name) => c[name] ?? 0)]),
  };
}

/** Outcome counts by category, per sender (hour buckets) or per recipient hash (day buckets). */
export type CategoryTable = 'sender_category_stat' | 'recipient_category_stat';

const CATEGORY_KEY: Record<CategoryTable, { key: string; bucket: string }> = {
  sender_category_stat: { key: 'sender', bucket: 'hour' },
  recipient_category_stat: { key: 'recipient_hash', bucket: 'day' },
};

/** SQL adding `rowsSql`'s rows, (key, outcome, category, count), to the current bucket of `table`. */
export function categoryUpsertSql(table: CategoryTable, rowsSql: string): string {
  const { key, bucket } = CATEGORY_KEY[table];
  return `insert into ${table} (${key}, bucket, outcome, category, count)
    select k, date_trunc('${bucket}', now()), outcome, category, n from (${rowsSql}) as rows (k, outcome, category, n)
    order by k, outcome, category
    on conflict (${key}, bucket, outcome, category) do update set count = ${table}.count + excluded.count`;
}

/** SQL adding `rowsSql`'s rows, (key, count), to the complaints of the current bucket of a sender or recipient table. */
export function complaintUpsertSql(table: 'sender_stat' | 'recipient_stat', rowsSql: string): string {
  const key = KEY_COLUMN[table];
  return `insert into ${table} (${key}, bucket, complaints)
    select k, date_trunc('${BUCKET[table]}', now()), n from (${rowsSql}) as rows (k, n)
    order by k
    on conflict (${key}, bucket) do update set complaints = ${table}.complaints + excluded.complaints`;
}
