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
