// What spike detection keeps in the database, so that baselines survive
// restarts and several nodes judge the same figures: per-minute counts of each
// sender key per node (`sender_volume`: numbers only, never a recipient or a
// domain), the learned baselines (`sender_baseline`), holds (`sender_hold`),
// and the spike alerts. Times come from the service's clock, not now(), so
// that tests can let hours pass.
import { alertEventInsertSql, alertInsertSql, alertRaisedEvent } from '../alerts/index.ts';
import type { Db } from '../db/index.ts';
import type { RelayEvent } from '../events/index.ts';
import { emptyBaseline, learnHour, type Baseline, type HourFigures } from './baseline.ts';
import { dayOf, hourOf, minuteOf, type RemoteCounts, type VolumeRow } from './detector.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Per-minute counts are kept this long: a day quota and the hours still to learn. */
export const RETAIN_HOURS = 48;
/** More quiet hours than this are not replayed one by one (the averages are near zero long before). */
const MAX_FOLD_HOURS = 2000;
const ROWS_PER_STATEMENT = 2000;

/** A sender put on hold, by a spike or by an admin. */
export interface SenderHold {
  key: string;
  /** Shown to the sender in the 451 reply. */
  reason: string;
  source: 'spike' | 'manual';
  since: Date;
  heldBy: string | null;
  releasedAt: Date | null;
  releasedBy: string | null;
}

interface HoldRow {
  sender_key: string;
  reason: string;
  source: 'spike' | 'manual';
  since: Date;
  held_by: string | null;
  released_at: Date | null;
  released_by: string | null;
}

interface BaselineRow {
  sender_key: string;
  hours: number;
  learned_through: Date;
  volume_mean: number;
  volume_dev: number;
  volume_peak: number;
  domains_mean: number;
  domains_dev: number;
  domains_peak: number;
}

const HOLD_COLUMNS = 'sender_key, reason, source, since, held_by, released_at, released_by';
/** At most one hold in force per key (a partial unique index): a second one is no row. */
const HOLD_INSERT_SQL = `insert into sender_hold (sender_key, reason, source, since, held_by) values (?, ?, ?, ?, ?)
  on conflict (sender_key) where released_at is null do nothing returning ${HOLD_COLUMNS}`;

function holdOf(r: HoldRow): SenderHold {
  return {
    key: r.sender_key, reason: r.reason, source: r.source, since: new Date(r.since), heldBy: r.held_by,
    releasedAt: r.released_at ? new Date(r.released_at) : null, releasedBy: r.released_by,
  };
}

function baselineOf(r: BaselineRow): Baseline {
  return {
    hours: Number(r.hours),
    volume: { mean: Number(r.volume_mean), dev: Number(r.volume_dev), peak: Number(r.volume_peak) },
    domains: { mean: Number(r.domains_mean), dev: Number(r.domains_dev), peak: Number(r.domains_peak) },
  };
}

export class AnomalyStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Adds this node's counts to its rows (messages add up; the domain count is the hour's so far: the larger stays). */
  async writeVolumes(nodeId: string, rows: VolumeRow[]): Promise<void> {
    for (let at = 0; at < rows.length; at += ROWS_PER_STATEMENT) {
      const chunk = rows.slice(at, at + ROWS_PER_STATEMENT);
      await this.#db.query(
        `insert into sender_volume (sender_key, node_id, minute, messages, domains)
         values ${chunk.map(() => '(?, ?, ?::timestamptz, ?::int, ?::int)').join(', ')}
         on conflict (sender_key, minute, node_id) do update
           set messages = sender_volume.messages + excluded.messages, domains = greatest(sender_volume.domains, excluded.domains)`,
        chunk.flatMap((r) => [r.key, nodeId, new Date(r.minute * MINUTE_MS), r.messages, r.domains]),
      );
    }
  }

  /** Other nodes' messages per key: in the window ending at `at`, in its clock hour and in its UTC day. */
  async readRemote(nodeId: string, at: number, windowMinutes: number): Promise<RemoteCounts> {
    const windowStart = new Date((minuteOf(at) - windowMinutes + 1) * MINUTE_MS);
    const hourStart = new Date(hourOf(at) * HOUR_MS);
    const dayStart = new Date(dayOf(at) * DAY_MS);
    const rows = await this.#db.query<{ sender_key: string; in_window: number; in_hour: number; in_day: number }>(
      `select sender_key,
              coalesce(sum(messages) filter (where minute >= ?), 0)::int as in_window,
              coalesce(sum(messages) filter (where minute >= ?), 0)::int as in_hour,
              coalesce(sum(messages) filter (where minute >= ?), 0)::int as in_day
       from sender_volume where node_id <> ? and minute >= ? group by sender_key`,
      [windowStart, hourStart, dayStart, nodeId, windowStart < dayStart ? windowStart : dayStart],
    );
    const remote: RemoteCounts = { window: new Map(), hour: new Map(), day: new Map(), hourIndex: hourOf(at), dayIndex: dayOf(at) };
    for (const r of rows) {
      if (Number(r.in_window)) remote.window.set(r.sender_key, Number(r.in_window));
      if (Number(r.in_hour)) remote.hour.set(r.sender_key, Number(r.in_hour));
      if (Number(r.in_day)) remote.day.set(r.sender_key, Number(r.in_day));
    }
    return remote;
  }

  async loadBaselines(): Promise<Map<string, Baseline>> {
    const rows = await this.#db.query<BaselineRow>('select * from sender_baseline');
    return new Map(rows.map((r) => [r.sender_key, baselineOf(r)]));
  }

  /**
   * Folds every hour that ended at least `graceMs` before `at` (so that every
   * node has written its counts) into the baselines, quiet hours included.
   * Each row is updated only if no other node folded it meanwhile. Baselines
   * faded to nothing are dropped. Returns how many senders were updated.
   */
  async learn(at: number, graceMs: number, memoryHours: number): Promise<number> {
    const lastHour = hourOf(at - graceMs) - 1;
    const stored = await this.#db.query<BaselineRow>('select * from sender_baseline');
    const counted = await this.#db.query<{ sender_key: string; hour: number; messages: number; domains: number }>(
      `select sender_key, floor(extract(epoch from minute) / 3600)::int as hour, sum(messages)::int as messages, max(domains)::int as domains
       from sender_volume where minute >= ? and minute < ? group by 1, 2`,
      [new Date((lastHour - RETAIN_HOURS) * HOUR_MS), new Date((lastHour + 1) * HOUR_MS)],
    );
    const hours = new Map<string, Map<number, HourFigures>>();
    for (const r of counted) {
      if (!hours.has(r.sender_key)) hours.set(r.sender_key, new Map());
      hours.get(r.sender_key)!.set(Number(r.hour), { messages: Number(r.messages), domains: Number(r.domains) });
    }
    const byKey = new Map(stored.map((r) => [r.sender_key, r]));
    let updated = 0;
    for (const key of new Set([...byKey.keys(), ...hours.keys()])) {
      const row = byKey.get(key);
      const figures = hours.get(key) ?? new Map<number, HourFigures>();
      let from = row ? hourOf(new Date(row.learned_through).getTime()) + 1 : Math.min(...figures.keys());
      if (from > lastHour) continue;
      from = Math.max(from, lastHour - MAX_FOLD_HOURS + 1);
      let b = row ? baselineOf(row) : emptyBaseline();
      for (let h = from; h <= lastHour; h++) b = learnHour(b, figures.get(h) ?? { messages: 0, domains: 0 }, memoryHours);
      updated += await this.#saveBaseline(key, b, new Date(lastHour * HOUR_MS), row ? new Date(row.learned_through) : null);
    }
    return updated;
  }

  /** Writes one baseline unless another node got there first; 1 when written. */
  async #saveBaseline(key: string, b: Baseline, through: Date, previous: Date | null): Promise<number> {
    const isFaded = b.volume.mean < 0.01 && b.volume.dev < 0.01 && b.volume.peak < 1;
    if (isFaded && previous) {
      return (await this.#db.query('delete from sender_baseline where sender_key = ? and learned_through = ? returning sender_key', [key, previous])).length;
    }
    const values = [b.hours, through, b.volume.mean, b.volume.dev, b.volume.peak, b.domains.mean, b.domains.dev, b.domains.peak];
    const rows = previous
      ? await this.#db.query(
          `update sender_baseline set hours = ?, learned_through = ?, volume_mean = ?, volume_dev = ?, volume_peak = ?,
             domains_mean = ?, domains_dev = ?, domains_peak = ?, updated_at = now()
           where sender_key = ? and learned_through = ? returning sender_key`,
          [...values, key, previous],
        )
      : await this.#db.query(
          `insert into sender_baseline (hours, learned_through, volume_mean, volume_dev, volume_peak, domains_mean, domains_dev, domains_peak, sender_key)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (sender_key) do nothing returning sender_key`,
          [...values, key],
        );
    return rows.length;
  }

  /** Forgets per-minute counts older than RETAIN_HOURS before `at`. */
  async prune(at: number): Promise<void> {
    await this.#db.query('delete from sender_volume where minute < ?', [new Date(at - RETAIN_HOURS * HOUR_MS)]);
  }

  /** Holds in force, and (with `releasedSince`) those released since then too. */
  async holds(releasedSince?: Date): Promise<SenderHold[]> {
    const rows = releasedSince
      ? await this.#db.query<HoldRow>(`select ${HOLD_COLUMNS} from sender_hold where released_at is null or released_at >= ? order by since, id`, [releasedSince])
      : await this.#db.query<HoldRow>(`select ${HOLD_COLUMNS} from sender_hold where released_at is null order by since, id`);
    return rows.map(holdOf);
  }

  /** Puts a key on hold; null when it is held already. */
  async insertHold(hold: { key: string; reason: string; source: 'spike' | 'manual'; since: Date; heldBy: string }): Promise<SenderHold | null> {
    const rows = await this.#db.query<HoldRow>(HOLD_INSERT_SQL, [hold.key, hold.reason, hold.source, hold.since, hold.heldBy]);
    return rows[0] ? holdOf(rows[0]) : null;
  }

  /** Ends the hold of a key; null when it was not held. */
  async releaseHold(key: string, at: Date, by: string): Promise<SenderHold | null> {
    const rows = await this.#db.query<HoldRow>(
      `update sender_hold set released_at = ?, released_by = ? where sender_key = ? and released_at is null returning ${HOLD_COLUMNS}`,
      [at, by, key],
    );
    return rows[0] ? holdOf(rows[0]) : null;
  }

  /**
   * Records a spike alert (at most one per key and hour, across nodes) with
   * its `alert.raised` event, and the hold when one is asked, in one
   * transaction. Returns the events to publish once it has committed.
   */
  async recordSpike(spike: { key: string; detail: Record<string, unknown>; hourKey: string }, hold: SenderHold | null): Promise<{ events: RelayEvent[]; isHeld: boolean }> {
    return this.#db.transaction(async (tx) => {
      const alerts = await tx.query<{ id: string; kind: string; subject: string }>(
        `with a as (${alertInsertSql('select ?::text, ?::text, ?::jsonb, ?::text')}), e as (${alertEventInsertSql('a')})
         select id, kind, subject from a`,
        ['spike', spike.key, JSON.stringify(spike.detail), `spike:${spike.key}:${spike.hourKey}`],
      );
      let isHeld = false;
      if (hold) {
        isHeld = (await tx.query(HOLD_INSERT_SQL, [hold.key, hold.reason, hold.source, hold.since, hold.heldBy])).length > 0;
      }
      return { events: alerts.map(alertRaisedEvent), isHeld };
    });
  }
}
