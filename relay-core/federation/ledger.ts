// The signed events this relay holds: its own, signed as they are made, and
// those pulled from peers, stored with their origin's signature untouched.
// The table's id orders the feed this relay serves to its own peers.
import type { Sql } from '../db/index.ts';
import { signEvent, type FederationEvent, type FederationEventKind } from './event.ts';
import type { HeldEvent } from './rules.ts';

export interface OwnFact {
  kind: FederationEventKind;
  /** Federation hash, `f1:<hex>`. */
  addr: string;
  /** Enhanced status, or ''. */
  code: string;
  at: Date;
}

/** An event checked by the sync worker, ready to store. */
export interface VerifiedEvent {
  event: FederationEvent;
  /** The signed text as the peer served it. */
  body: string;
  /** Hops from its origin to this relay (1: the peer's own event). */
  hops: number;
}

export interface FeedEdge {
  cursor: string;
  hops: number;
  /** The signed event, exactly as its origin signed it. */
  event: string;
}

export interface HeldEventRow extends HeldEvent {
  addr: string;
  via: number[];
}

// Events per insert statement.
const ROWS_PER_STATEMENT = 2000;

export class EventLedger {
  readonly #identity: { id: string; sign(message: Buffer): Buffer };

  constructor(options: { identity: { id: string; sign(message: Buffer): Buffer } }) {
    this.#identity = options.identity;
  }

  get selfId(): string {
    return this.#identity.id;
  }

  /** Signs and stores this relay's own events, in the caller's transaction. */
  async appendOwn(sql: Sql, facts: OwnFact[]): Promise<FederationEvent[]> {
    if (!facts.length) return [];
    const seqs = await sql.query<{ seq: string }>('select nextval(\'federation_own_seq\')::text as seq from generate_series(1, ?)', [facts.length]);
    const signed = facts.map((f, i) => signEvent(this.#identity, {
      seq: Number(seqs[i]!.seq), kind: f.kind, addr: f.addr, code: f.code, at: Math.floor(f.at.getTime() / 1000),
    }));
    await this.#insert(sql, signed.map(({ event, text }) => ({ event, body: text, hops: 0 })), null);
    return signed.map((s) => s.event);
  }

  /**
   * Stores events pulled from a peer. One already held (same origin and
   * sequence, by any path) is not stored again; the peer is added to its
   * paths. Returns how many were new.
   */
  async ingest(sql: Sql, events: VerifiedEvent[], peerId: number): Promise<number> {
    return this.#insert(sql, events, peerId);
  }

  async #insert(sql: Sql, events: VerifiedEvent[], peerId: number | null): Promise<number> {
    let inserted = 0;
    const via = peerId === null ? "'{}'::integer[]" : `array[${Number(peerId)}]::integer[]`;
    for (let at = 0; at < events.length; at += ROWS_PER_STATEMENT) {
      // One JSON parameter per statement: the database unpacks it far faster than thousands of bound parameters.
      const rows = events.slice(at, at + ROWS_PER_STATEMENT).map(({ event: e, body, hops }) => ({
        origin: e.origin, seq: e.seq, kind: e.kind, addr: e.addr, code: e.code, at: e.at, body, hops,
      }));
      // xmax = 0 tells a fresh row from one the conflict clause updated.
      const result = await sql.query<{ is_new: boolean }>(
        `insert into federation_event (origin, seq, kind, addr, code, observed_at, body, hops, via)
         select origin, seq, kind, addr, code, to_timestamp(at), body, hops, ${via}
         from json_to_recordset(?::json) as x(origin text, seq bigint, kind text, addr text, code text, at bigint, body text, hops integer)
         on conflict (origin, seq) do update set via = array_append(federation_event.via, ${peerId === null ? 'null' : Number(peerId)})
           where ${peerId === null ? 'false' : `not (${Number(peerId)} = any(federation_event.via))`}
         returning (xmax = 0) as is_new`,
        [JSON.stringify(rows)],
      );
      inserted += result.filter((r) => r.is_new).length;
    }
    return inserted;
  }

  /** Removes a peer from every path; events left with no path (and not our own) are forgotten. Returns their addresses. */
  async forgetPeer(sql: Sql, peerId: number): Promise<string[]> {
    await sql.query('update federation_event set via = array_remove(via, ?::integer) where ?::integer = any(via)', [peerId, peerId]);
    const rows = await sql.query<{ addr: string }>(
      "delete from federation_event where via = '{}'::integer[] and origin <> ? returning addr", [this.#identity.id],
    );
    return [...new Set(rows.map((r) => r.addr))];
  }

  /** "Everything since cursor": the next `first` events after `after` (a cursor this feed gave, or null for the start). */
  async page(sql: Sql, after: bigint | null, first: number): Promise<{ edges: FeedEdge[]; hasNextPage: boolean }> {
    const rows = await sql.query<{ id: string; hops: number; body: string }>(
      'select id::text as id, hops, body from federation_event where id > ?::bigint order by id limit ?',
      [(after ?? 0n).toString(), first + 1],
    );
    return {
      edges: rows.slice(0, first).map((r) => ({ cursor: r.id, hops: r.hops, event: r.body })),
      hasNextPage: rows.length > first,
    };
  }

  /** Every held event about these addresses, with the paths it came by. */
  async about(sql: Sql, addrs: string[]): Promise<HeldEventRow[]> {
    if (!addrs.length) return [];
    const rows = await sql.query<{ addr: string; origin: string; kind: FederationEventKind; observed_at: Date | string; via: number[] | string }>(
      'select addr, origin, kind, observed_at, via from federation_event where addr in (select json_array_elements_text(?::json))', [JSON.stringify(addrs)],
    );
    return rows.map((r) => ({ addr: r.addr, origin: r.origin, kind: r.kind, at: new Date(r.observed_at), via: parseIntArray(r.via) }));
  }

  /** How many events of each origin were stored in the last 24 hours (rate caps). */
  async storedToday(sql: Sql, origins: string[], now: Date): Promise<Map<string, number>> {
    if (!origins.length) return new Map();
    const rows = await sql.query<{ origin: string; n: string }>(
      'select origin, count(*)::text as n from federation_event where origin in (?) and received_at > ?::timestamptz group by origin',
      [origins, new Date(now.getTime() - 86_400_000)],
    );
    return new Map(rows.map((r) => [r.origin, Number(r.n)]));
  }

  /** Our own last event about an address, to know whether a delivery there is a recovery worth telling. */
  async lastOwnKind(sql: Sql, addr: string): Promise<FederationEventKind | null> {
    const rows = await sql.query<{ kind: FederationEventKind }>(
      'select kind from federation_event where origin = ? and addr = ? order by seq desc limit 1', [this.#identity.id, addr],
    );
    return rows[0]?.kind ?? null;
  }
}

/** Drivers give integer[] as an array (pg) or as its text form (some paths): both read the same. */
function parseIntArray(value: number[] | string): number[] {
  if (Array.isArray(value)) return value.map(Number);
  return value.replace(/[{}]/g, '').split(',').filter(Boolean).map(Number);
}
