// What the local rules make of the held events, per address: verdicts are
// written to federation_verdict (so every node sharing the database agrees)
// and kept in memory for RCPT. Any change to the evidence of an address —
// an event pulled or made, a local delivery, a peer removed — judges that
// address again; a settings change judges them all at start.
import type { Db, Sql } from '../db/index.ts';
import type { Logger } from '../log.ts';
import type { EventLedger, HeldEventRow } from './ledger.ts';
import { judge, type Assessment, type RuleSettings, type Verdict } from './rules.ts';

export interface TrustSettings extends RuleSettings {
  localWeight: number;
  transitiveFactor: number;
}

/** How much each origin weighs today, from the peer table. */
export interface Trust {
  selfId: string;
  /** Direct peers: public key → weight. */
  direct: Map<string, number>;
  /** Peers trusted with --transitive: peer id → its key and weight. */
  transitive: Map<number, { key: string; weight: number }>;
}

export interface AddressStatus extends Assessment {
  /** Origins with events about the address and the weight each counts with here. */
  origins: { origin: string; weight: number; events: number }[];
  localSuccessAt: Date | null;
}

const CHUNK = 1000;

export class VerdictBook {
  readonly #o: { db: Db; ledger: EventLedger; settings: TrustSettings; trust: (sql: Sql) => Promise<Trust>; log: Logger; now: () => Date; refreshMs: number };
  #memory = new Map<string, Verdict>();
  #signature = '';
  #timer: NodeJS.Timeout | null = null;

  constructor(options: { db: Db; ledger: EventLedger; settings: TrustSettings; trust: (sql: Sql) => Promise<Trust>; log: Logger; now?: () => Date; refreshMs?: number }) {
    this.#o = { now: () => new Date(), refreshMs: 5000, ...options };
  }

  async start(): Promise<void> {
    await this.judgeAll();
    this.#timer = setInterval(() => void this.refresh().catch((err: Error) => this.#o.log.warn('federation verdicts: reload failed', { err })), this.#o.refreshMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** The verdict on an address (federation hash), from memory. */
  match(addr: string): Verdict | null {
    return this.#memory.get(addr) ?? null;
  }

  get size(): number {
    return this.#memory.size;
  }

  /** Judges these addresses again, in the caller's transaction. Returns how many are suppressed now. */
  async judge(sql: Sql, addrs: string[]): Promise<number> {
    const trust = await this.#o.trust(sql);
    let suppressed = 0;
    for (let at = 0; at < addrs.length; at += CHUNK) {
      const chunk = [...new Set(addrs.slice(at, at + CHUNK))];
      const events = await this.#o.ledger.about(sql, chunk);
      const successes = await localSuccesses(sql, chunk);
      const byAddr = new Map<string, HeldEventRow[]>();
      for (const e of events) byAddr.set(e.addr, [...(byAddr.get(e.addr) ?? []), e]);
      const upserts: [string, Verdict][] = [];
      const clear: string[] = [];
      for (const addr of chunk) {
        const { verdict } = this.#assess(byAddr.get(addr) ?? [], trust, successes.get(addr) ?? null);
        if (verdict) upserts.push([addr, verdict]);
        else clear.push(addr);
      }
      if (clear.length) await sql.query('delete from federation_verdict where addr in (select json_array_elements_text(?::json))', [JSON.stringify(clear)]);
      if (upserts.length) {
        const rows = upserts.map(([addr, v]) => ({ addr, kind: v.kind, weight: v.weight, origins: v.origins, since: v.since.toISOString() }));
        await sql.query(
          `insert into federation_verdict (addr, kind, weight, origins, since, updated_at)
           select addr, kind, weight, origins, since, now()
           from json_to_recordset(?::json) as x(addr text, kind text, weight double precision, origins integer, since timestamptz)
           on conflict (addr) do update set kind = excluded.kind, weight = excluded.weight, origins = excluded.origins,
             since = excluded.since, updated_at = excluded.updated_at`,
          [JSON.stringify(rows)],
        );
      }
      suppressed += upserts.length;
    }
    return suppressed;
  }

  /** Judges every address with events or a verdict (at start: settings or peers may have changed), then reloads memory. */
  async judgeAll(): Promise<void> {
    const rows = await this.#o.db.query<{ addr: string }>('select distinct addr from federation_event union select addr from federation_verdict');
    await this.#o.db.transaction((sql) => this.judge(sql, rows.map((r) => r.addr)));
    await this.reload();
  }

  /** The full picture of one address, as the API and CLI show it. */
  async status(addr: string): Promise<AddressStatus> {
    const trust = await this.#o.trust(this.#o.db);
    const events = await this.#o.ledger.about(this.#o.db, [addr]);
    const localSuccessAt = (await localSuccesses(this.#o.db, [addr])).get(addr) ?? null;
    const assessment = this.#assess(events, trust, localSuccessAt);
    const counts = new Map<string, number>();
    for (const e of events) counts.set(e.origin, (counts.get(e.origin) ?? 0) + 1);
    const voices = voicesOf(events, trust, this.#o.settings);
    return {
      ...assessment,
      localSuccessAt,
      origins: [...counts].map(([origin, n]) => ({ origin, weight: voices.get(origin)?.weight ?? 0, events: n })),
    };
  }

  /** Reloads memory when the table changed (this node's own writes call it directly). */
  async refresh(): Promise<void> {
    const [row] = await this.#o.db.query<{ n: string; last: string | null }>(
      'select count(*)::text as n, max(updated_at)::text as last from federation_verdict',
    );
    const signature = `${row?.n}:${row?.last}`;
    if (signature !== this.#signature) await this.reload();
  }

  async reload(): Promise<void> {
    const rows = await this.#o.db.query<{ addr: string; kind: Verdict['kind']; weight: number; origins: number; since: Date | string; updated_at: string }>(
      'select addr, kind, weight, origins, since, updated_at::text from federation_verdict',
    );
    this.#memory = new Map(rows.map((r) => [r.addr, { kind: r.kind, weight: Number(r.weight), origins: Number(r.origins), since: new Date(r.since) }]));
    const last = rows.reduce((m, r) => (r.updated_at > m ? r.updated_at : m), '');
    this.#signature = `${rows.length}:${last || null}`;
  }

  #assess(events: HeldEventRow[], trust: Trust, localSuccessAt: Date | null): Assessment {
    const voices = voicesOf(events, trust, this.#o.settings);
    const weights = voiceWeights(voices);
    const spoken = events.map((e) => ({ ...e, origin: voices.get(e.origin)!.voice }));
    return judge(spoken, (voice) => weights.get(voice) ?? 0, localSuccessAt, this.#o.settings, this.#o.now());
  }
}

/**
 * Who answers for each origin, and with what weight. Our own evidence: this
 * relay, at the local weight. A direct peer's own events: that peer, at its
 * weight, whoever served them. An origin we never met: the peer trusted with
 * --transitive that served it (the best such path), at that peer's weight
 * times the factor. So every peer is one voice, counted as one origin, and
 * never weighs more than its own weight — whatever it relays, and however
 * many keys it invents.
 */
function voicesOf(events: HeldEventRow[], trust: Trust, settings: TrustSettings): Map<string, { voice: string; weight: number }> {
  const voices = new Map<string, { voice: string; weight: number }>();
  for (const e of events) {
    let speaker: { voice: string; weight: number };
    if (e.origin === trust.selfId) speaker = { voice: e.origin, weight: settings.localWeight };
    else if (trust.direct.has(e.origin)) speaker = { voice: e.origin, weight: trust.direct.get(e.origin)! };
    else {
      speaker = { voice: `unknown:${e.origin}`, weight: 0 };
      for (const id of e.via) {
        const peer = trust.transitive.get(id);
        const w = (peer?.weight ?? 0) * settings.transitiveFactor;
        if (peer && w > speaker.weight) speaker = { voice: peer.key, weight: w };
      }
    }
    const known = voices.get(e.origin);
    if (!known || speaker.weight > known.weight) voices.set(e.origin, speaker);
  }
  return voices;
}

/** The weight of each voice: the most any of its origins carries (a peer relaying for others still weighs its own weight). */
function voiceWeights(voices: Map<string, { voice: string; weight: number }>): Map<string, number> {
  const weights = new Map<string, number>();
  for (const { voice, weight } of voices.values()) weights.set(voice, Math.max(weights.get(voice) ?? 0, weight));
  return weights;
}

async function localSuccesses(sql: Sql, addrs: string[]): Promise<Map<string, Date>> {
  if (!addrs.length) return new Map();
  const rows = await sql.query<{ addr: string; at: Date | string }>('select addr, at from federation_local_success where addr in (select json_array_elements_text(?::json))', [JSON.stringify(addrs)]);
  return new Map(rows.map((r) => [r.addr, new Date(r.at)]));
}
