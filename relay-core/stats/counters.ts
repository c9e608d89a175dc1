import type { Sql } from '../db/index.ts';

export type CounterName = 'received' | 'delivered' | 'deferred' | 'bounced' | 'expired';

/** One increment: a sender, a recipient (hashed) or a destination domain, never a pair. */
export interface CounterIncrement {
  table: 'sender_stat' | 'recipient_stat' | 'destination_stat';
  key: string;
  counter: CounterName;
  by?: number;
}

const KEY_COLUMN = { sender_stat: 'sender', recipient_stat: 'recipient_hash', destination_stat: 'domain' } as const;
// Recipient counters use day buckets so that their timing is coarser than the
// senders' hourly ones (privacy: no pairing by timestamp).
const BUCKET = { sender_stat: 'hour', recipient_stat: 'day', destination_stat: 'hour' } as const;
const COUNTERS: CounterName[] = ['received', 'delivered', 'deferred', 'bounced', 'expired'];

/** Adds the increments in `tx`, one upsert per table and counter, merged by key. */
export async function addCounters(tx: Sql, increments: CounterIncrement[]): Promise<void> {
  const groups = new Map<string, Map<string, number>>();
  for (const inc of increments) {
    if (!COUNTERS.includes(inc.counter)) throw new Error(`unknown counter ${inc.counter}`);
    const group = `${inc.table}|${inc.counter}`;
    const keys = groups.get(group) ?? new Map<string, number>();
    keys.set(inc.key, (keys.get(inc.key) ?? 0) + (inc.by ?? 1));
    groups.set(group, keys);
  }
  // Sorted keys: concurrent transactions lock rows in one order (no deadlock).
  for (const [group, keys] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const [table, counter] = group.split('|') as [CounterIncrement['table'], CounterName];
    const entries = [...keys].sort(([a], [b]) => a.localeCompare(b));
    const values = entries.map(() => `(?, date_trunc('${BUCKET[table]}', now()), ?)`).join(', ');
    await tx.query(
      `insert into ${table} (${KEY_COLUMN[table]}, bucket, ${counter}) values ${values}
       on conflict (${KEY_COLUMN[table]}, bucket) do update set ${counter} = ${table}.${counter} + excluded.${counter}`,
      entries.flat(),
    );
  }
}
