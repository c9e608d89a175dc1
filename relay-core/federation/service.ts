// Federation level 1 as one service: this relay's identity, its peers, the
// events it makes from its own delivery outcomes, the feed it serves, the
// sync worker that pulls its peers, and the RCPT check on the verdicts.
// Addresses are hashed (scheme f1, keyed by the network key) while the
// plaintext is at hand — at RCPT and at a delivery outcome — and only the
// hash is stored or sent. Without a network key, federation is off: no event
// is made, no peer pulled, no recipient checked.
import type { Db, Sql } from '../db/index.ts';
import type { Logger } from '../log.ts';
import type { AddressFact, OutcomeObserver } from '../queue/index.ts';
import { FederationHasher } from './address-hash.ts';
import type { FederationEventKind } from './event.ts';
import type { FederationIdentity } from './identity.ts';
import { EventLedger, type FeedEdge, type OwnFact } from './ledger.ts';
import { FederationError, PeerDirectory, type NewPeer, type Peer } from './peers.ts';
import { SyncWorker, type SyncResult, type SyncSettings } from './sync.ts';
import { VerifyPool } from './verify-pool.ts';
import { VerdictBook, type AddressStatus, type Trust, type TrustSettings } from './verdicts.ts';

export interface FederationSettings extends TrustSettings, SyncSettings {
  publicUrl: string;
  networkKey: string;
}

export interface Whoami {
  id: string;
  name: string;
  url: string;
  /** SHA-256 of the HTTPS certificate peers should pin. */
  tlsFingerprint: string;
  isEnabled: boolean;
  /** First hex digits of a fixed address's federation hash: relays with the same network key show the same. */
  networkKeyCheck: string | null;
}

const KIND_OF: Record<Exclude<AddressFact['fact'], 'delivered'>, FederationEventKind> = {
  hard: 'hard_bounce', soft: 'soft_bounce', complaint: 'complaint',
};
const MAX_PENDING_FACTS = 100_000;
const MAX_FEED_PAGE = 1000;
const PRUNE_INTERVAL_MS = 3_600_000;
const MAX_CURSOR = 2n ** 63n - 1n;

export type { AddressFact };

export class FederationService implements OutcomeObserver {
  readonly peers: PeerDirectory;
  readonly ledger: EventLedger;
  readonly verdicts: VerdictBook;
  readonly #o: { db: Db; identity: FederationIdentity; settings: FederationSettings; name: string; tlsFingerprint: string; log: Logger };
  readonly #hasher: FederationHasher | null;
  readonly #sync: SyncWorker | null;
  readonly #verifier = new VerifyPool();
  #pending: AddressFact[] = [];
  #pruneTimer: NodeJS.Timeout | null = null;
  #draining: Promise<void> | null = null;

  constructor(options: { db: Db; identity: FederationIdentity; settings: FederationSettings; name: string; tlsFingerprint: string; log: Logger }) {
    this.#o = options;
    const { db, identity, settings, log } = options;
    this.peers = new PeerDirectory({ sql: db, selfId: identity.id });
    this.ledger = new EventLedger({ identity });
    this.verdicts = new VerdictBook({ db, ledger: this.ledger, settings, trust: (sql) => this.#trust(sql), log });
    this.#hasher = settings.networkKey ? new FederationHasher({ networkKey: Buffer.from(settings.networkKey, 'utf8') }) : null;
    this.#sync = this.#hasher
      ? new SyncWorker({ db, peers: this.peers, ledger: this.ledger, verdicts: this.verdicts, identity, settings, log, verifier: this.#verifier })
      : null;
  }

  get isEnabled(): boolean {
    return this.#hasher !== null;
  }

  async start(): Promise<void> {
    await this.prune();
    await this.verdicts.start();
    this.#sync?.start();
    this.#pruneTimer = setInterval(() => void this.prune().catch((err: Error) => this.#o.log.warn('federation: pruning failed', { err })), PRUNE_INTERVAL_MS);
    this.#pruneTimer.unref();
  }

  /** Forgets evidence too old to count (federation.maxAgeDays): it would neither be accepted by peers nor change a verdict. */
  async prune(): Promise<number> {
    const before = new Date(Date.now() - this.#o.settings.maxAgeDays * 86_400_000);
    const addrs = await this.#o.db.transaction(async (sql) => {
      const rows = await sql.query<{ addr: string }>('delete from federation_event where observed_at < ?::timestamptz returning addr', [before]);
      await sql.query('delete from federation_local_success where at < ?::timestamptz', [before]);
      const touched = [...new Set(rows.map((r) => r.addr))];
      if (touched.length) await this.verdicts.judge(sql, touched);
      return touched;
    });
    if (addrs.length) await this.verdicts.reload();
    return addrs.length;
  }

  async stop(): Promise<void> {
    if (this.#pruneTimer) clearInterval(this.#pruneTimer);
    this.verdicts.stop();
    await this.#sync?.stop();
    await this.#draining;
    await this.#verifier.close();
  }

  whoami(): Whoami {
    return {
      id: this.#o.identity.id, name: this.#o.name, url: this.#o.settings.publicUrl, tlsFingerprint: this.#o.tlsFingerprint,
      isEnabled: this.isEnabled, networkKeyCheck: this.#hasher ? this.#hasher.hashSync('network-key-check@relais.invalid').slice(3, 11) : null,
    };
  }

  /** At RCPT: a 550 when the local rules suppress this address on federated evidence. */
  async check(recipient: string): Promise<{ code: 550; text: string } | null> {
    if (!this.#hasher || this.verdicts.size === 0) return null;
    const verdict = this.verdicts.match(await this.#hasher.hash(recipient));
    if (!verdict) return null;
    const what = verdict.kind === 'hard_bounce' ? 'reported undeliverable' : verdict.kind === 'soft_bounce' ? 'reported bouncing repeatedly' : 'reported complaining';
    return {
      code: 550,
      text: `5.1.1 <${recipient}>: Recipient address rejected: ${what} by ${verdict.origins} federated relays (weight ${verdict.weight}) as of ${verdict.since.toISOString().slice(0, 10)}`,
    };
  }

  /**
   * Takes facts from delivery outcomes and reports; never throws, never waits:
   * they are hashed and stored in the background, in order.
   */
  observe(facts: AddressFact[]): void {
    if (!this.#hasher || !facts.length) return;
    if (this.#pending.length + facts.length > MAX_PENDING_FACTS) {
      this.#o.log.warn('federation: too many facts waiting, some dropped', { dropped: facts.length });
      return;
    }
    this.#pending.push(...facts);
    this.#draining ??= this.#drain().finally(() => {
      this.#draining = null;
      if (this.#pending.length) this.observe([]);
    });
  }

  /** Resolves once every fact observed so far is stored and judged (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  async #drain(): Promise<void> {
    while (this.#pending.length) {
      const facts = this.#pending.splice(0, 500);
      try {
        await this.#record(facts);
      } catch (err) {
        this.#o.log.error('federation: facts not recorded', { err: err as Error, facts: facts.length });
      }
    }
  }

  async #record(facts: AddressFact[]): Promise<void> {
    const hashed = await Promise.all(facts.map(async (f) => ({ ...f, addr: await this.#hasher!.hash(f.address) })));
    const claims = hashed.filter((f) => f.fact !== 'delivered');
    const delivered = hashed.filter((f) => f.fact === 'delivered');
    const own: OwnFact[] = claims.map((f) => ({ kind: KIND_OF[f.fact as keyof typeof KIND_OF], addr: f.addr, code: f.enhanced ?? '', at: f.at }));
    const changed = await this.#o.db.transaction(async (sql) => {
      const touched = own.map((o) => o.addr);
      if (delivered.length) {
        // Only addresses someone made claims about: a delivery anywhere else is nobody's business.
        const claimed = await sql.query<{ addr: string }>('select distinct addr from federation_event where addr in (select json_array_elements_text(?::json))', [JSON.stringify([...new Set(delivered.map((d) => d.addr))])]);
        const known = new Set(claimed.map((c) => c.addr));
        for (const d of delivered.filter((x) => known.has(x.addr))) {
          await sql.query(
            `insert into federation_local_success (addr, at) values (?, ?::timestamptz)
             on conflict (addr) do update set at = greatest(federation_local_success.at, excluded.at)`, [d.addr, d.at],
          );
          const last = await this.ledger.lastOwnKind(sql, d.addr);
          if (last && last !== 'recovered') own.push({ kind: 'recovered', addr: d.addr, code: '', at: d.at });
          touched.push(d.addr);
        }
      }
      await this.ledger.appendOwn(sql, own);
      if (touched.length) await this.verdicts.judge(sql, touched);
      return touched.length > 0;
    });
    if (changed) await this.verdicts.reload();
  }

  async addPeer(input: NewPeer): Promise<Peer> {
    const peer = await this.peers.add(input);
    await this.verdicts.judgeAll();
    return peer;
  }

  /** Removes a peer and its influence: the events only it brought are forgotten and their addresses judged again. */
  async removePeer(name: string): Promise<{ peer: Peer; forgotten: number }> {
    const result = await this.#o.db.transaction(async (sql) => {
      const peer = await this.peers.remove(sql, name);
      const addrs = await this.ledger.forgetPeer(sql, peer.id);
      return { peer, addrs };
    });
    // Transitive origins it vouched for weigh less now: everything is judged again.
    await this.verdicts.judgeAll();
    return { peer: result.peer, forgotten: result.addrs.length };
  }

  async syncNow(name?: string): Promise<SyncResult[]> {
    if (!this.#sync) throw new FederationError('INVALID_INPUT', 'federation is off: set RELAIS_FEDERATION_NETWORK_KEY');
    if (name !== undefined && !(await this.peers.get(name.trim().toLowerCase()))) throw new FederationError('NOT_FOUND', `no peer named ${JSON.stringify(name.slice(0, 60))}`);
    return this.#sync.syncNow(name?.trim().toLowerCase());
  }

  /** The feed this relay serves its peers: held events after a cursor it gave. */
  async feed(after: string | null, first: number): Promise<{ edges: FeedEdge[]; hasNextPage: boolean }> {
    if (after !== null && (!/^[0-9]{1,19}$/.test(after) || BigInt(after) > MAX_CURSOR)) throw new FederationError('INVALID_INPUT', 'bad cursor: use one this feed gave');
    if (!Number.isSafeInteger(first) || first < 1 || first > MAX_FEED_PAGE) throw new FederationError('INVALID_INPUT', `first must be 1 to ${MAX_FEED_PAGE}`);
    return this.ledger.page(this.#o.db, after === null ? null : BigInt(after), first);
  }

  /** The effective federated status of an address, hashed here: the plaintext goes nowhere. */
  async status(address: string): Promise<AddressStatus & { addr: string }> {
    if (!this.#hasher) throw new FederationError('INVALID_INPUT', 'federation is off: set RELAIS_FEDERATION_NETWORK_KEY');
    if (typeof address !== 'string' || !address.includes('@') || address.length > 254 || /[\x00-\x1f\x7f]/.test(address)) {
      throw new FederationError('INVALID_INPUT', 'an address like user@example.org is required');
    }
    const addr = await this.#hasher.hash(address);
    return { addr, ...(await this.verdicts.status(addr)) };
  }

  get settings(): FederationSettings {
    return { ...this.#o.settings, networkKey: this.#o.settings.networkKey ? '****' : '' };
  }

  async #trust(sql: Sql): Promise<Trust> {
    const peers = await this.peers.trust(sql);
    return {
      selfId: this.#o.identity.id,
      direct: new Map(peers.map((p) => [p.publicKey, p.weight])),
      transitive: new Map(peers.filter((p) => p.isTransitive).map((p) => [p.id, { key: p.publicKey, weight: p.weight }])),
    };
  }
}
