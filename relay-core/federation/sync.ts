// The sync worker: pulls each peer's feed "since cursor", checks every event
// (format, origin trust, hops, age, signature, rate cap), stores the good
// ones, judges the addresses they touch, and moves the cursor in the same
// transaction, so a restart resumes exactly where the last commit left off.
// Each peer is pulled on its own: one that is down, slow, huge or hostile is
// backed off and never holds up the others.
import type { Db, Sql } from '../db/index.ts';
import type { Logger } from '../log.ts';
import { parseStrictJson, StrictJsonError } from './canonical.ts';
import { EventFormatError, parseSignedEvent, type ParsedEvent } from './event.ts';
import type { EventLedger, VerifiedEvent } from './ledger.ts';
import { fetchPeer, PeerFetchError, type PeerRequest } from './peer-fetch.ts';
import type { Peer, PeerDirectory } from './peers.ts';
import { signRequest } from './request-signature.ts';
import type { VerdictBook } from './verdicts.ts';
import type { VerifyPool } from './verify-pool.ts';

export interface SyncSettings {
  syncIntervalSeconds: number;
  allowPrivatePeers: boolean;
  maxHops: number;
  maxAgeDays: number;
  originDailyCap: number;
  fetchTimeoutMs: number;
  maxResponseBytes: number;
}

export interface SyncResult {
  peer: string;
  ok: boolean;
  pages: number;
  accepted: number;
  rejected: number;
  /** Why the pull stopped early; null when it reached the end of the feed. */
  error: string | null;
}

/** Page size asked of a peer, and the most pages taken in one pull. */
export const FEED_PAGE = 1000;
const MAX_PAGES_PER_PULL = 200;
const MAX_FUTURE_SECONDS = 600;
const MAX_BACKOFF_FACTOR = 32;

export const FEED_QUERY = 'query Feed($after: String, $first: Int!) { federationFeed(after: $after, first: $first) { edges { cursor node { event hops } } pageInfo { hasNextPage endCursor } } }';

/** A pull that must stop, with the reason recorded in the peer's health. */
class SyncStop extends Error {}

interface Page {
  edges: { cursor: bigint; hops: number; event: string }[];
  hasNextPage: boolean;
}

interface CheckedPage {
  events: VerifiedEvent[];
  rejections: Map<string, number>;
  now: Date;
  /** The cursor to commit with this page. */
  last: bigint | null;
  hasNextPage: boolean;
}

export class SyncWorker {
  readonly #o: {
    db: Db; peers: PeerDirectory; ledger: EventLedger; verdicts: VerdictBook; identity: { id: string; sign(m: Buffer): Buffer };
    settings: SyncSettings; log: Logger; now: () => Date; fetch: (request: PeerRequest) => Promise<{ status: number; body: string }>;
    verifier: VerifyPool;
  };
  readonly #running = new Map<number, Promise<SyncResult>>();
  #timer: NodeJS.Timeout | null = null;
  #isStopped = false;

  constructor(options: {
    db: Db; peers: PeerDirectory; ledger: EventLedger; verdicts: VerdictBook; identity: { id: string; sign(m: Buffer): Buffer };
    settings: SyncSettings; log: Logger; now?: () => Date; verifier: VerifyPool;
  }) {
    this.#o = { now: () => new Date(), fetch: fetchPeer, ...options };
  }

  start(): void {
    const tick = () => {
      if (this.#isStopped) return;
      void this.#pullDue().finally(() => {
        if (!this.#isStopped) this.#timer = setTimeout(tick, 1000).unref();
      });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.#isStopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await Promise.allSettled(this.#running.values());
  }

  /** Pulls one peer now (or every peer), whatever its schedule; a pull already running is joined. */
  async syncNow(name?: string): Promise<SyncResult[]> {
    const peers = (await this.#o.peers.list()).filter((p) => name === undefined || p.name === name);
    return Promise.all(peers.map((p) => this.#pull(p)));
  }

  async #pullDue(): Promise<void> {
    try {
      const now = this.#o.now().getTime();
      const due = (await this.#o.peers.list()).filter((p) => !p.health.nextAttemptAt || p.health.nextAttemptAt.getTime() <= now);
      for (const peer of due) {
        // Nodes sharing the database: the one that moves next_attempt_at first pulls; the pull sets it again when done.
        const claimed = await this.#o.db.query(
          'update federation_peer set next_attempt_at = ?::timestamptz where id = ? and (next_attempt_at is null or next_attempt_at <= ?::timestamptz) returning id',
          [new Date(now + this.#o.settings.fetchTimeoutMs * 5), peer.id, new Date(now)],
        );
        if (claimed.length) void this.#pull(peer);
      }
    } catch (err) {
      this.#o.log.warn('federation sync: cannot list peers', { err: err as Error });
    }
  }

  #pull(peer: Peer): Promise<SyncResult> {
    const running = this.#running.get(peer.id);
    if (running) return running;
    const pull = this.#run(peer).finally(() => this.#running.delete(peer.id));
    this.#running.set(peer.id, pull);
    return pull;
  }

  async #run(peer: Peer): Promise<SyncResult> {
    const result: SyncResult = { peer: peer.name, ok: true, pages: 0, accepted: 0, rejected: 0, error: null };
    const deadline = Date.now() + this.#o.settings.fetchTimeoutMs * 4;
    // The next page is fetched and verified while the current one is stored.
    let pending: Promise<CheckedPage> | null = this.#fetchAndCheck(peer, peer.cursor === null ? null : BigInt(peer.cursor));
    try {
      while (pending) {
        const page = await pending;
        pending = null;
        result.pages += 1;
        const more = page.hasNextPage && page.last !== null && !this.#isStopped && result.pages < MAX_PAGES_PER_PULL && Date.now() < deadline;
        if (more) {
          pending = this.#fetchAndCheck(peer, page.last);
          pending.catch(() => undefined); // awaited on the next turn, or dropped with the pull
        }
        const { accepted, rejected } = await this.#store(peer, page);
        result.accepted += accepted;
        result.rejected += rejected;
      }
      await this.#o.db.query(
        `update federation_peer set last_attempt_at = ?::timestamptz, last_success_at = ?::timestamptz, last_error = null, failures = 0,
           next_attempt_at = ?::timestamptz where id = ?`,
        [this.#o.now(), this.#o.now(), new Date(this.#o.now().getTime() + this.#o.settings.syncIntervalSeconds * 1000), peer.id],
      );
    } catch (err) {
      result.ok = false;
      result.error = describe(err);
      const failures = peer.health.failures + 1;
      const wait = this.#o.settings.syncIntervalSeconds * 1000 * Math.min(2 ** (failures - 1), MAX_BACKOFF_FACTOR);
      await this.#o.db.query(
        'update federation_peer set last_attempt_at = ?::timestamptz, last_error = ?, failures = ?, next_attempt_at = ?::timestamptz where id = ?',
        [this.#o.now(), result.error.slice(0, 300), failures, new Date(this.#o.now().getTime() + wait), peer.id],
      ).catch((e: Error) => this.#o.log.warn('federation sync: cannot record a failure', { err: e }));
      this.#o.log.warn('federation sync failed', { peer: peer.name, error: result.error, failures });
    }
    return result;
  }

  async #fetchPage(peer: Peer, after: bigint | null): Promise<Page> {
    const body = JSON.stringify({ query: FEED_QUERY, variables: { after: after === null ? null : after.toString(), first: FEED_PAGE } });
    const url = new URL(`${peer.url}/graphql`);
    const headers = {
      ...signRequest(this.#o.identity, { method: 'POST', path: url.pathname, body, now: this.#o.now() }),
      'content-type': 'application/json',
      'x-relais-csrf': '1',
    };
    const response = await this.#o.fetch({
      url: url.toString(), headers, body, tlsFingerprint: peer.tlsFingerprint, allowPrivate: this.#o.settings.allowPrivatePeers,
      maxBytes: this.#o.settings.maxResponseBytes, timeoutMs: this.#o.settings.fetchTimeoutMs,
    });
    return readPage(response.body, after);
  }

  async #fetchAndCheck(peer: Peer, after: bigint | null): Promise<CheckedPage> {
    return this.#check(peer, await this.#fetchPage(peer, after), after);
  }

  /** Checks a page's events: format, trust, hops, age, duplicates in the page, then signatures (on every core). */
  async #check(peer: Peer, page: Page, after: bigint | null): Promise<CheckedPage> {
    const now = this.#o.now();
    const rejections = new Map<string, number>();
    const reject = (reason: string) => rejections.set(reason, (rejections.get(reason) ?? 0) + 1);
    const candidates: (VerifiedEvent & { parsed: ParsedEvent })[] = [];
    const seen = new Set<string>();
    const oldest = now.getTime() / 1000 - this.#o.settings.maxAgeDays * 86_400;
    const newest = now.getTime() / 1000 + MAX_FUTURE_SECONDS;
    for (const edge of page.edges) {
      let parsed: ParsedEvent;
      try {
        parsed = parseSignedEvent(edge.event);
      } catch (err) {
        reject(err instanceof EventFormatError ? `format:${err.reason}` : 'format');
        continue;
      }
      const e = parsed.event;
      if (e.origin === this.#o.identity.id) continue; // our own event, back from a peer
      const isDirect = e.origin === peer.publicKey;
      const hops = isDirect ? 1 : edge.hops + 1;
      if (!isDirect && !peer.isTransitive) { reject('not-transitive'); continue; }
      if (hops > this.#o.settings.maxHops || (!isDirect && hops < 2)) { reject('hop-limit'); continue; }
      if (e.at < oldest) { reject('too-old'); continue; }
      if (e.at > newest) { reject('future'); continue; }
      const key = `${e.origin}:${e.seq}`;
      if (seen.has(key)) { reject('duplicate'); continue; }
      seen.add(key);
      candidates.push({ event: e, body: edge.event, hops, parsed });
    }
    const valid = await this.#o.verifier.verify(candidates.map(({ parsed }) => ({ id: parsed.event.origin, message: parsed.signedBytes, signature: parsed.signature })));
    const events: VerifiedEvent[] = [];
    candidates.forEach(({ event, body, hops }, i) => (valid[i] ? events.push({ event, body, hops }) : reject('bad-signature')));
    return { events, rejections, now, last: page.edges.at(-1)?.cursor ?? after, hasNextPage: page.hasNextPage && page.edges.length > 0 };
  }

  /** Stores a checked page's events with the new cursor, in one transaction. */
  async #store(peer: Peer, page: CheckedPage): Promise<{ accepted: number; rejected: number }> {
    const { rejections, now, last } = page;
    const reject = (reason: string) => rejections.set(reason, (rejections.get(reason) ?? 0) + 1);
    const accepted = await this.#o.db.transaction(async (sql) => {
      const kept = await this.#withinCaps(sql, page.events, now, reject);
      const inserted = await this.#o.ledger.ingest(sql, kept, peer.id);
      if (kept.length > inserted) rejections.set('duplicate', (rejections.get('duplicate') ?? 0) + kept.length - inserted);
      // Judged even when nothing was new: an event held already may have come by a heavier path.
      if (kept.length) await this.#o.verdicts.judge(sql, kept.map((k) => k.event.addr));
      const rejected = [...rejections.values()].reduce((a, b) => a + b, 0);
      const newestAt = kept.reduce((m, k) => Math.max(m, k.event.at), 0);
      await sql.query(
        // Never backwards, even if two pulls of one peer overlapped (syncNow on two nodes).
        `update federation_peer set feed_cursor = case when feed_cursor is null or feed_cursor::numeric < ?::numeric then ? else feed_cursor end,
           events_received = events_received + ?, events_rejected = events_rejected + ?,
           newest_event_at = greatest(newest_event_at, ?::timestamptz) where id = ?`,
        [last === null ? null : last.toString(), last === null ? null : last.toString(), inserted, rejected, newestAt ? new Date(newestAt * 1000) : null, peer.id],
      );
      await recordRejections(sql, peer.id, rejections, now);
      return { inserted, judged: kept.length > 0 };
    });
    if (accepted.judged) await this.#o.verdicts.reload();
    return { accepted: accepted.inserted, rejected: [...rejections.values()].reduce((a, b) => a + b, 0) };
  }

  /** Drops what exceeds each origin's daily cap: a flooding peer fills neither the disk nor the rules. */
  async #withinCaps(sql: Sql, events: VerifiedEvent[], now: Date, reject: (reason: string) => void): Promise<VerifiedEvent[]> {
    const stored = await this.#o.ledger.storedToday(sql, [...new Set(events.map((e) => e.event.origin))], now);
    return events.filter((e) => {
      const n = stored.get(e.event.origin) ?? 0;
      if (n >= this.#o.settings.originDailyCap) {
        reject('rate-cap');
        return false;
      }
      stored.set(e.event.origin, n + 1);
      return true;
    });
  }
}

async function recordRejections(sql: Sql, peerId: number, rejections: Map<string, number>, now: Date): Promise<void> {
  for (const [reason, count] of rejections) {
    await sql.query(
      `insert into federation_rejection (peer_id, reason, count, last_at) values (?, ?, ?, ?::timestamptz)
       on conflict (peer_id, reason) do update set count = federation_rejection.count + excluded.count, last_at = excluded.last_at`,
      [peerId, reason, count, now],
    );
  }
}

const CURSOR = /^[0-9]{1,19}$/;

/** The feed page a peer answered, checked for shape and for a cursor that only moves forward. */
export function readPage(text: string, after: bigint | null): Page {
  let doc: unknown;
  try {
    doc = parseStrictJson(text, { maxDepth: 8 });
  } catch (err) {
    throw new SyncStop(`the peer's answer is not acceptable JSON: ${err instanceof StrictJsonError ? err.reason : 'not-json'}`);
  }
  const root = doc as { data?: { federationFeed?: unknown }; errors?: { message?: unknown }[] } | null;
  if (Array.isArray(root?.errors) && root.errors.length) {
    throw new SyncStop(`the peer refused the feed: ${String(root.errors[0]?.message ?? 'error').slice(0, 200)}`);
  }
  const feed = root?.data?.federationFeed as { edges?: unknown; pageInfo?: { hasNextPage?: unknown } } | undefined;
  if (!feed || !Array.isArray(feed.edges) || typeof feed.pageInfo?.hasNextPage !== 'boolean') throw new SyncStop('the peer\'s answer is not a feed page');
  if (feed.edges.length > FEED_PAGE) throw new SyncStop(`the peer sent ${feed.edges.length} events in one page (at most ${FEED_PAGE})`);
  let previous = after ?? -1n;
  const edges = feed.edges.map((raw: unknown) => {
    const edge = raw as { cursor?: unknown; node?: { hops?: unknown; event?: unknown } | null } | null;
    const node = edge?.node;
    if (typeof edge?.cursor !== 'string' || !CURSOR.test(edge.cursor) || !Number.isSafeInteger(node?.hops) || (node!.hops as number) < 0
      || typeof node!.event !== 'string') {
      throw new SyncStop('the peer\'s answer has a malformed event');
    }
    const cursor = BigInt(edge.cursor);
    if (cursor <= previous) throw new SyncStop('the peer moved its cursor backwards');
    previous = cursor;
    return { cursor, hops: node!.hops as number, event: node!.event as string };
  });
  return { edges, hasNextPage: feed.pageInfo.hasNextPage };
}

/** Why a pull failed, fit for a terminal: text a peer sent may hold escapes and line breaks. */
function describe(err: unknown): string {
  const text = err instanceof PeerFetchError ? `${err.reason}: ${err.message}` : err instanceof SyncStop ? err.message : `internal error: ${(err as Error).message}`;
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
}
