// Reading the counters back: totals over a window, per sender and per
// destination domain. Never joins the sender and recipient tables: there is
// no key that could.
import type { Db } from '../db/index.ts';
import { COUNTERS, type CounterName } from './counters.ts';

export type Counts = Record<CounterName, number>;

/** Failed outcomes (deferred, bounced, expired) by what the reply meant. */
export type CategoryCounts = { outcome: string; category: string; count: number }[];

/** One hour of counters (`hourly`). */
export type HourlyCounts = Counts & { bucket: Date; complaints: number | null };

/** One remote answer from the attempt log. */
export interface AttemptRecord {
  at: Date;
  outcome: string;
  category: string | null;
  domain: string;
  mx: string | null;
  isTls: boolean | null;
  code: number | null;
  enhanced: string | null;
  text: string | null;
}

export interface StatsSummary {
  since: Date;
  totals: Counts & { complaints: number };
  /** What the failures were, for the whole relay (or the one sender asked for). */
  categories: CategoryCounts;
  /** Senders by messages received, most first. */
  senders: ({ sender: string; complaints: number; categories: CategoryCounts } & Counts)[];
  /**
   * Destination domains by recipients delivered, most first, with how often
   * each refused us for our reputation (policy blocks).
   */
  destinations: ({ domain: string; policyBlocks: number } & Counts)[];
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
    const [totals] = await this.#db.query(
      `select ${sums}, coalesce(sum(complaints), 0)::int as complaints from sender_stat where bucket >= ? ${senderFilter}`,
      [since, ...senderParams],
    );
    const senders = await this.#db.query<Record<string, unknown>>(
      `select sender, ${sums}, coalesce(sum(complaints), 0)::int as complaints from sender_stat where bucket >= ? ${senderFilter}
       group by sender order by received desc, sender limit ?`,
      [since, ...senderParams, limit],
    );
    const categoryRows = await this.#db.query<{ sender: string; outcome: string; category: string; count: number }>(
      `select sender, outcome, category, sum(count)::int as count from sender_category_stat where bucket >= ? ${senderFilter}
       group by sender, outcome, category order by count desc, outcome, category`,
      [since, ...senderParams],
    );
    // Per destination only for the whole relay: per sender it would pair the two.
    const destinations = options.sender
      ? []
      : await this.#db.query<Record<string, unknown>>(
          `select d.domain, ${COUNTERS.map((c) => `d.${c}`).join(', ')}, coalesce(b.blocks, 0)::int as policy_blocks
           from (select domain, ${sums} from destination_stat where bucket >= ? group by domain) d
           left join (select domain, count(*) as blocks from attempt where at >= ? and category = 'policy-block' group by domain) b
             on b.domain = d.domain
           order by d.delivered desc, d.domain limit ?`,
          [since, since, limit],
        );
    const categoriesOf = (rows: typeof categoryRows): CategoryCounts => {
      const merged = new Map<string, { outcome: string; category: string; count: number }>();
      for (const r of rows) {
        const key = `${r.outcome}/${r.category}`;
        const entry = merged.get(key) ?? { outcome: r.outcome, category: r.category, count: 0 };
        entry.count += Number(r.count);
        merged.set(key, entry);
      }
      return [...merged.values()].sort((a, b) => b.count - a.count);
    };
    return {
      since,
      totals: { ...countsOf(totals ?? {}), complaints: Number(totals?.complaints ?? 0) },
      categories: categoriesOf(categoryRows),
      senders: senders.map((r) => ({
        sender: String(r.sender),
        ...countsOf(r),
        complaints: Number(r.complaints ?? 0),
        categories: categoriesOf(categoryRows.filter((c) => c.sender === r.sender)),
      })),
      destinations: destinations.map((r) => ({ domain: String(r.domain), ...countsOf(r), policyBlocks: Number(r.policy_blocks ?? 0) })),
    };
  }

  /**
   * Hourly counters since `since`: for the whole relay, one sender or one
   * destination domain (never a sender and a domain together). Complaints
   * are null per domain (they are counted per sender and recipient only).
   */
  async hourly(of: { kind: 'all' } | { kind: 'sender' | 'domain'; key: string }, since: Date): Promise<HourlyCounts[]> {
    const table = of.kind === 'domain' ? 'destination_stat' : 'sender_stat';
    const complaints = of.kind === 'domain' ? 'null::int as complaints' : 'coalesce(sum(complaints), 0)::int as complaints';
    const where = of.kind === 'all' ? '' : `and ${of.kind === 'domain' ? 'domain' : 'sender'} = ?`;
    const rows = await this.#db.query<Record<string, unknown>>(
      `select bucket, ${sums}, ${complaints} from ${table} where bucket >= ? ${where} group by bucket order by bucket`,
      of.kind === 'all' ? [since] : [since, of.key],
    );
    return rows.map((r) => ({ bucket: new Date(r.bucket as string), ...countsOf(r), complaints: r.complaints === null ? null : Number(r.complaints) }));
  }

  /** The latest remote answers about one recipient (by its keyed hash), newest first. */
  async attemptsOf(recipientHash: string, limit: number): Promise<AttemptRecord[]> {
    const rows = await this.#db.query<{
      at: Date | string; outcome: string; category: string | null; domain: string; mx_host: string | null; is_tls: boolean | null;
      code: number | null; enhanced: string | null; text: string | null;
    }>(
      `select at, outcome, category, domain, mx_host, is_tls, code, enhanced, text from attempt
       where recipient_hash = ? order by at desc, id desc limit ?`,
      [recipientHash, limit],
    );
    return rows.map((r) => ({
      at: new Date(r.at), outcome: r.outcome, category: r.category, domain: r.domain, mx: r.mx_host, isTls: r.is_tls,
      code: r.code === null ? null : Number(r.code), enhanced: r.enhanced, text: r.text,
    }));
  }
}
