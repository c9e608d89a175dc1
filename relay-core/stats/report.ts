// Reading the counters back: totals over a window, per sender and per
// destination domain. Never joins the sender and recipient tables: there is
// no key that could.
import type { Db } from '../db/index.ts';
import { COUNTERS, type CounterName } from './counters.ts';

export type Counts = Record<CounterName, number>;

export interface StatsSummary {
  since: Date;
  totals: Counts;
  /** Senders by messages received, most first. */
  senders: ({ sender: string } & Counts)[];
  /** Destination domains by recipients delivered, most first. */
  destinations: ({ domain: string } & Counts)[];
}

const sums = COUNTERS.map((c) => `coalesce(sum(${c}), 0)::int as ${c}`).join(', ');

function countsOf(row: Record<string, unknown>): Counts {
  return Object.fromEntries(COUNTERS.map((c) => [c, Number(row[c] ?? 0)])) as Counts;
}

export class StatsReport {
  readonly #db: Db;

  constructor(options: { db: Db }) {
    this.#db = options.db;
  }

  /** Counters of the last `hours` (whole hour buckets), optionally for one sender only. */
  async summary(options: { hours: number; sender?: string; limit?: number }): Promise<StatsSummary> {
    const since = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - (options.hours - 1) * 3_600_000);
    const limit = options.limit ?? 20;
    const senderFilter = options.sender ? 'and sender = ?' : '';
    const senderParams = options.sender ? [options.sender.trim().toLowerCase()] : [];
    const [totals] = await this.#db.query(`select ${sums} from sender_stat where bucket >= ? ${senderFilter}`, [since, ...senderParams]);
    const senders = await this.#db.query<Record<string, unknown>>(
      `select sender, ${sums} from sender_stat where bucket >= ? ${senderFilter} group by sender order by received desc, sender limit ?`,
      [since, ...senderParams, limit],
    );
    // Per destination only for the whole relay: per sender it would pair the two.
    const destinations = options.sender
      ? []
      : await this.#db.query<Record<string, unknown>>(
          `select domain, ${sums} from destination_stat where bucket >= ? group by domain order by delivered desc, domain limit ?`,
          [since, limit],
        );
    return {
      since,
      totals: countsOf(totals ?? {}),
      senders: senders.map((r) => ({ sender: String(r.sender), ...countsOf(r) })),
      destinations: destinations.map((r) => ({ domain: String(r.domain), ...countsOf(r) })),
    };
  }
}
