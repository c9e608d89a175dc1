// The peers an admin trusts, by explicit trust on both sides: name, HTTPS
// URL, public key (the peer's id), weight, transitive trust and an optional
// pinned certificate; plus each peer's health as the sync worker last left it.
// Input is checked here, once, for the CLI and the API alike.
import type { Sql } from '../db/index.ts';
import { isFederationId } from './identity.ts';
import { normalizeFingerprint } from './peer-fetch.ts';

export interface PeerRejection {
  reason: string;
  count: number;
  lastAt: Date;
}

export interface PeerHealth {
  lastAttemptAt: Date | null;
  lastSuccessAt: Date | null;
  /** Why the last pull failed; null after a success. */
  lastError: string | null;
  /** Pulls failed in a row (backoff doubles with each). */
  failures: number;
  nextAttemptAt: Date | null;
  eventsReceived: number;
  eventsRejected: number;
  /** Observation time of the newest event taken from this peer. */
  newestEventAt: Date | null;
  rejections: PeerRejection[];
}

export interface Peer {
  id: number;
  name: string;
  /** Base URL; its feed is POST `${url}/graphql`. */
  url: string;
  /** The peer's relay id (base64url ed25519 public key). */
  publicKey: string;
  weight: number;
  isTransitive: boolean;
  tlsFingerprint: string | null;
  /** The feed position this relay has committed up to; null: from the start. */
  cursor: string | null;
  createdAt: Date;
  health: PeerHealth;
}

export interface NewPeer {
  name: string;
  url: string;
  key: string;
  weight?: number;
  isTransitive?: boolean;
  tlsFingerprint?: string | null;
}

/** A refused peer request; `message` is safe to show to whoever asked. */
export class FederationError extends Error {
  readonly code: 'INVALID_INPUT' | 'NOT_FOUND' | 'CONFLICT';

  constructor(code: 'INVALID_INPUT' | 'NOT_FOUND' | 'CONFLICT', message: string) {
    super(message);
    this.code = code;
  }
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const MAX_URL_CHARS = 500;
export const DEFAULT_PEER_WEIGHT = 1;
export const MAX_PEER_WEIGHT = 10;

function quote(input: unknown): string {
  const text = String(input);
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

function invalid(message: string): FederationError {
  return new FederationError('INVALID_INPUT', message);
}

/** The peer's base URL in one spelling (no trailing slash), or why not. */
export function parsePeerUrl(input: string): string {
  if (typeof input !== 'string' || input.length > MAX_URL_CHARS || /[\s\x00-\x1f]/.test(input)) throw invalid(`bad peer URL ${quote(input)}`);
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw invalid(`bad peer URL ${quote(input)}: use https://host[:port]`);
  }
  if (url.protocol !== 'https:') throw invalid(`bad peer URL ${quote(input)}: peers are reached over HTTPS only`);
  if (url.username || url.password || url.search || url.hash) throw invalid(`bad peer URL ${quote(input)}: no credentials, query or fragment`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/graphql$/, '')}`;
}

function parseNewPeer(input: NewPeer, selfId: string): Required<NewPeer> {
  const name = typeof input.name === 'string' ? input.name.trim().toLowerCase() : '';
  if (!NAME.test(name)) throw invalid(`bad peer name ${quote(input.name)}: letters, digits, . _ - (at most 63)`);
  const url = parsePeerUrl(input.url);
  const key = typeof input.key === 'string' ? input.key.trim() : '';
  if (!isFederationId(key)) throw invalid(`bad peer key ${quote(input.key)}: the id \`relais federation whoami\` prints on the peer (43 characters)`);
  if (key === selfId) throw invalid('that key is this relay\'s own id');
  const weight = input.weight ?? DEFAULT_PEER_WEIGHT;
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0 || weight > MAX_PEER_WEIGHT) {
    throw invalid(`bad weight ${quote(input.weight)}: a number above 0 and at most ${MAX_PEER_WEIGHT}`);
  }
  let tlsFingerprint: string | null = null;
  if (input.tlsFingerprint !== undefined && input.tlsFingerprint !== null && input.tlsFingerprint !== '') {
    tlsFingerprint = normalizeFingerprint(String(input.tlsFingerprint));
    if (!tlsFingerprint) throw invalid(`bad TLS fingerprint ${quote(input.tlsFingerprint)}: the SHA-256 fingerprint \`relais federation whoami\` prints (AB:CD:… or hex)`);
  }
  return { name, url, key, weight, isTransitive: Boolean(input.isTransitive), tlsFingerprint };
}

interface PeerRow {
  id: number;
  name: string;
  url: string;
  public_key: string;
  weight: number;
  is_transitive: boolean;
  tls_fingerprint: string | null;
  feed_cursor: string | null;
  created_at: Date | string;
  last_attempt_at: Date | string | null;
  last_success_at: Date | string | null;
  last_error: string | null;
  failures: number;
  next_attempt_at: Date | string | null;
  events_received: string | number;
  events_rejected: string | number;
  newest_event_at: Date | string | null;
}

const date = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

function toPeer(r: PeerRow, rejections: PeerRejection[]): Peer {
  return {
    id: Number(r.id), name: r.name, url: r.url, publicKey: r.public_key, weight: Number(r.weight), isTransitive: r.is_transitive,
    tlsFingerprint: r.tls_fingerprint, cursor: r.feed_cursor, createdAt: new Date(r.created_at),
    health: {
      lastAttemptAt: date(r.last_attempt_at), lastSuccessAt: date(r.last_success_at), lastError: r.last_error, failures: r.failures,
      nextAttemptAt: date(r.next_attempt_at), eventsReceived: Number(r.events_received), eventsRejected: Number(r.events_rejected),
      newestEventAt: date(r.newest_event_at), rejections,
    },
  };
}

export class PeerDirectory {
  readonly #sql: Sql;
  readonly #selfId: string;

  constructor(options: { sql: Sql; selfId: string }) {
    this.#sql = options.sql;
    this.#selfId = options.selfId;
  }

  async add(input: NewPeer): Promise<Peer> {
    const p = parseNewPeer(input, this.#selfId);
    const clash = await this.#sql.query<{ name: string }>('select name from federation_peer where name = ? or public_key = ?', [p.name, p.key]);
    if (clash.length) {
      throw new FederationError('CONFLICT', clash[0]!.name === p.name
        ? `a peer named ${p.name} exists: remove it first to change it`
        : `that key is already peer ${clash[0]!.name}`);
    }
    await this.#sql.query(
      'insert into federation_peer (name, url, public_key, weight, is_transitive, tls_fingerprint) values (?, ?, ?, ?, ?, ?)',
      [p.name, p.url, p.key, p.weight, p.isTransitive, p.tlsFingerprint],
    );
    return (await this.get(p.name))!;
  }

  /** Removes the peer and its health; the caller forgets what it told us. */
  async remove(sql: Sql, name: string): Promise<Peer> {
    const peer = (await this.#select('where name = ?', [typeof name === 'string' ? name.trim().toLowerCase() : ''], sql))[0];
    if (!peer) throw new FederationError('NOT_FOUND', `no peer named ${quote(name)}`);
    await sql.query('delete from federation_peer where id = ?', [peer.id]);
    return peer;
  }

  async list(): Promise<Peer[]> {
    return this.#select('order by name', []);
  }

  /** What the rules need of every peer, and nothing else (judging runs per pulled page). */
  async trust(sql: Sql): Promise<Pick<Peer, 'id' | 'publicKey' | 'weight' | 'isTransitive'>[]> {
    const rows = await sql.query<{ id: number; public_key: string; weight: number; is_transitive: boolean }>(
      'select id, public_key, weight, is_transitive from federation_peer',
    );
    return rows.map((r) => ({ id: Number(r.id), publicKey: r.public_key, weight: Number(r.weight), isTransitive: r.is_transitive }));
  }

  async get(name: string): Promise<Peer | null> {
    return (await this.#select('where name = ?', [name]))[0] ?? null;
  }

  async byKey(key: string): Promise<Peer | null> {
    return (await this.#select('where public_key = ?', [key]))[0] ?? null;
  }

  async #select(rest: string, params: unknown[], sql: Sql = this.#sql): Promise<Peer[]> {
    const rows = await sql.query<PeerRow>(`select * from federation_peer ${rest}`, params);
    if (!rows.length) return [];
    const rejections = await sql.query<{ peer_id: number; reason: string; count: string; last_at: Date | string }>(
      'select peer_id, reason, count, last_at from federation_rejection where peer_id in (?) order by count desc', [rows.map((r) => r.id)],
    );
    return rows.map((r) => toPeer(r, rejections.filter((j) => j.peer_id === r.id).map((j) => ({
      reason: j.reason, count: Number(j.count), lastAt: new Date(j.last_at),
    }))));
  }
}
