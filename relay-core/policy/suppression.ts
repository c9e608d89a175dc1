// The suppression list: recipients the relay no longer sends to, because
// they bounced hard, kept bouncing soft, complained, or an admin said so.
//
// What it does: records bounce and complaint evidence inside the queue's own
// transaction and, when the operator's thresholds are reached, suppresses the
// recipient for everyone (expiring after expiryDays); keeps admin entries,
// global or limited to one SMTP user or one sender domain; answers match()
// from memory on every RCPT.
// What it does not: classify replies (bounces/ does), refuse mail in SMTP
// (submission/ does, with the entry's reason), clear soft evidence on a
// delivery (the queue does, in its outcome statement).
// Strategies: recipients are kept as keyed hashes; plaintext only for entries
// an admin typed. Memory is reloaded when a cheap signature (row count and
// highest id) changes, checked every refreshMs, so other nodes' entries show up
// within that time; this node's own changes show at once (remember()).
import type { Db, Sql } from '../db/index.ts';
import type { Logger } from '../log.ts';
import { normalizeSenderPattern } from '../auth/index.ts';
import { domainOf, normalizeAddress } from '../stats/index.ts';
import {
  deleteExpired, insertEvidence, selectActive, selectHistory, selectSignature, tallyEvidence, upsertEntries,
  type EvidenceKind, type EvidenceRow, type SuppressionEntry, type SuppressionSource, type Tally,
} from './suppression-sql.ts';

export type { EvidenceKind, SuppressionEntry, SuppressionSource } from './suppression-sql.ts';

/** Thresholds (config `suppression.*`); a count of 0 never suppresses. */
export interface SuppressionRules {
  hardBounces: number;
  softBounces: number;
  softWindowDays: number;
  complaints: number;
  /** Lifetime of automatic entries, and window for counting hard bounces and complaints; 0: forever. */
  expiryDays: number;
}

export interface EvidenceInput {
  recipientHash: string;
  kind: EvidenceKind;
  /** The classifier's category (`invalid-recipient`, `mailbox-full`…) or the complaint's feedback type (`abuse`). */
  category: string;
  /** Enhanced status code of the reply (`5.1.1`), when there was one. */
  enhanced: string | null;
}

export interface SuppressionCheck {
  recipientHash: string;
  /** Active entries for this recipient, every scope. */
  entries: SuppressionEntry[];
  evidence: { kind: string; category: string; count: number; lastAt: Date }[];
  /** Finished outcomes by category, summed over every time bucket. */
  outcomes: { outcome: string; category: string; count: number }[];
  lastSuccessOn: Date | null;
}

/** A refused suppression request; `message` is safe to show to whoever asked. */
export class SuppressionError extends Error {
  readonly code: 'INVALID_INPUT' | 'NOT_FOUND';

  constructor(code: 'INVALID_INPUT' | 'NOT_FOUND', message: string) {
    super(message);
    this.code = code;
  }
}

const DAY_MS = 86_400_000;
const KINDS: readonly EvidenceKind[] = ['hard', 'soft', 'complaint'];
const SOURCES: readonly SuppressionSource[] = ['manual', 'hard-bounce', 'soft-bounce', 'complaint'];
const MAX_REASON_CHARS = 200;
// RFC 5321 §4.5.3.1.3: a path is at most 256 octets, angle brackets included.
const MAX_ADDRESS_OCTETS = 254;
const CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029]/;
const LOGIN = /^[a-z0-9][a-z0-9._@+-]{0,127}$/;
const HASH = /^[0-9a-f]{16,128}$/;
const ENHANCED = /^[245]\.\d{1,3}\.\d{1,3}$/;

/** A quoted, shortened, escaped echo of user input for error messages. */
function quote(input: string): string {
  return JSON.stringify(input.length > 60 ? `${input.slice(0, 60)}…` : input);
}

function invalid(message: string): SuppressionError {
  return new SuppressionError('INVALID_INPUT', message);
}

/**
 * The recipient hash an admin's input names: an address (user@example.org,
 * hashed), or `hash:<hex>` as `list` prints automatic entries. Plaintext is
 * null for a hash.
 */
function parseRecipient(input: string, hash: (address: string) => string): { recipientHash: string; address: string | null } {
  if (typeof input !== 'string' || input.trim() === '') throw invalid('an address is required');
  if (Buffer.byteLength(input) > MAX_ADDRESS_OCTETS) throw invalid(`the address is longer than ${MAX_ADDRESS_OCTETS} octets`);
  if (CONTROL.test(input)) throw invalid(`bad address ${quote(input)}: control characters are not allowed`);
  const trimmed = input.trim();
  if (trimmed.startsWith('hash:')) {
    const hex = trimmed.slice(5).toLowerCase();
    if (!HASH.test(hex)) throw invalid(`bad recipient hash ${quote(trimmed)}: use hash:<hex> as 'list' shows it`);
    return { recipientHash: hex, address: null };
  }
  const pattern = normalizeSenderPattern(trimmed);
  if (pattern === null || pattern.startsWith('@')) {
    throw invalid(`bad address ${quote(input)}: use one mailbox (user@example.org); whole domains are not suppressed here`);
  }
  return { recipientHash: hash(trimmed), address: normalizeAddress(trimmed) };
}

/** `''` (or `global`), `user:<login>` or `domain:<domain>`, in stored form. */
function parseScope(input: string | undefined): string {
  if (input === undefined) return '';
  if (typeof input !== 'string' || CONTROL.test(input) || input.length > 300) throw invalid(`bad scope ${quote(String(input))}`);
  const scope = input.trim();
  if (scope === '' || scope === 'global') return '';
  if (scope.startsWith('user:')) {
    // Logins are stored lower-case (auth/), so that is how they are matched.
    const login = scope.slice(5).trim().toLowerCase();
    if (!LOGIN.test(login)) throw invalid(`bad scope ${quote(input)}: user:<login>, a login of letters, digits and . _ @ + -`);
    return `user:${login}`;
  }
  if (scope.startsWith('domain:')) {
    const domain = normalizeSenderPattern(`@${scope.slice(7).trim()}`);
    if (domain === null) throw invalid(`bad scope ${quote(input)}: domain:<domain>, a sender domain like example.org`);
    return `domain:${domain.slice(1)}`;
  }
  throw invalid(`bad scope ${quote(input)}: use global, user:<login> or domain:<domain>`);
}

function parseReason(input: string): string {
  if (typeof input !== 'string') throw invalid('a reason is required');
  // Checked before trimming: a reason ends up in SMTP replies, where CR LF would start a new one.
  if (CONTROL.test(input)) throw invalid('the reason must be one line without control characters');
  const reason = input.trim();
  if (!reason) throw invalid('a reason is required: it is shown to whoever is refused');
  if (reason.length > MAX_REASON_CHARS) throw invalid(`the reason is longer than ${MAX_REASON_CHARS} characters`);
  return reason;
}

/** Evidence fit to store, or null for items to ignore (unknown kind, no hash). */
function cleanEvidence(item: EvidenceInput): EvidenceRow | null {
  if (!item || !KINDS.includes(item.kind) || typeof item.recipientHash !== 'string' || !HASH.test(item.recipientHash)) return null;
  const category = String(item.category ?? '').replace(/[^a-z0-9._-]+/gi, '-').slice(0, 64) || 'other';
  const enhanced = typeof item.enhanced === 'string' && ENHANCED.test(item.enhanced) ? item.enhanced : null;
  return { recipientHash: item.recipientHash, kind: item.kind, category, enhanced };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The first rule `tallies` (one hash) break, as source and a sentence; complaints first: the recipient said so. */
function verdict(tallies: Tally[], rules: SuppressionRules): { source: SuppressionSource; reason: string } | null {
  const of = (kind: EvidenceKind) => tallies.find((t) => t.kind === kind);
  const complaint = of('complaint');
  if (complaint && rules.complaints > 0 && complaint.count >= rules.complaints) {
    const what = complaint.category === 'complaint' ? 'complaint' : `${complaint.category} report`;
    return { source: 'complaint', reason: complaint.count === 1 ? `complaint (${what})` : `${complaint.count} complaints, last (${what})` };
  }
  const hard = of('hard');
  if (hard && rules.hardBounces > 0 && hard.count >= rules.hardBounces) {
    const last = hard.enhanced ? `${hard.enhanced} (${hard.category})` : hard.category;
    return { source: 'hard-bounce', reason: `${plural(hard.count, 'hard bounce')}, last ${last}` };
  }
  const soft = of('soft');
  if (soft && rules.softBounces > 0 && soft.count >= rules.softBounces) {
    return { source: 'soft-bounce', reason: `${plural(soft.count, 'soft bounce')} within ${plural(rules.softWindowDays, 'day')} (${soft.category})` };
  }
  return null;
}

export class SuppressionService {
  readonly #db: Db;
  readonly #hash: (address: string) => string;
  readonly #rules: SuppressionRules;
  readonly #now: () => Date;
  readonly #refreshMs: number;
  readonly #log: Logger | undefined;
  /** Active entries: recipient hash → scope → entry. */
  #entries = new Map<string, Map<string, SuppressionEntry>>();
  #signature: string | null = null;
  /** Earliest expiry held in memory: expired rows are deleted only when there are some. */
  #nextExpiryMs = Infinity;
  /** Bumped by every change made here; a reload that raced one is dropped. */
  #localChanges = 0;
  #refreshing: Promise<void> | null = null;
  #timer: NodeJS.Timeout | undefined;
  /** Failed background reloads, for health reporting. */
  refreshFailures = 0;

  constructor(options: {
    db: Db;
    hashAddress: (address: string) => string;
    rules: SuppressionRules;
    now?: () => Date;
    refreshMs?: number;
    log?: Logger;
  }) {
    this.#db = options.db;
    this.#hash = options.hashAddress;
    this.#rules = options.rules;
    this.#now = options.now ?? (() => new Date());
    this.#refreshMs = options.refreshMs ?? 5000;
    this.#log = options.log;
  }

  /** Loads the active entries and keeps them current until stop(). */
  async start(): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(() => {
      this.refresh().catch((err: Error) => {
        this.refreshFailures++;
        this.#log?.warn('suppression list reload failed', { err });
      });
    }, this.#refreshMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Drops expired rows, then reloads memory if the table changed. */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#reload().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  async #reload(): Promise<void> {
    const now = this.#now();
    if (this.#nextExpiryMs <= now.getTime()) await deleteExpired(this.#db, now);
    const signature = await selectSignature(this.#db);
    if (signature === this.#signature) return;
    const changesBefore = this.#localChanges;
    const entries = await selectActive(this.#db, now);
    // A change made here while loading may be missing from what was read:
    // keep memory as it is and load again on the next tick.
    if (this.#localChanges !== changesBefore) return;
    this.#entries = new Map();
    this.#nextExpiryMs = Infinity;
    for (const e of entries) this.#put(e);
    this.#signature = signature;
  }

  #put(entry: SuppressionEntry): void {
    let scopes = this.#entries.get(entry.recipientHash);
    if (!scopes) this.#entries.set(entry.recipientHash, (scopes = new Map()));
    scopes.set(entry.scope, entry);
    if (entry.expiresAt) this.#nextExpiryMs = Math.min(this.#nextExpiryMs, entry.expiresAt.getTime());
  }

  /**
   * The entry that refuses `recipient` for this sender, or null; from memory.
   * Global first, then `user:<login>`, then `domain:<mailFrom's domain>`.
   */
  match(recipient: string, sender: { login: string | null; mailFrom: string }): SuppressionEntry | null {
    if (this.#entries.size === 0) return null;
    const scopes = this.#entries.get(this.#hash(recipient));
    if (!scopes) return null;
    const nowMs = this.#now().getTime();
    const candidates = [''];
    if (sender.login) candidates.push(`user:${sender.login.trim().toLowerCase()}`);
    if (sender.mailFrom.includes('@')) candidates.push(`domain:${domainOf(sender.mailFrom)}`);
    for (const scope of candidates) {
      const entry = scopes.get(scope);
      if (entry && (entry.expiresAt === null || entry.expiresAt.getTime() > nowMs)) return entry;
    }
    return null;
  }

  /**
   * In the caller's transaction: stores the evidence, then suppresses (for
   * everyone) each recipient it pushes over a threshold. Items of any other
   * kind are ignored. Returns the entries created: pass them to remember()
   * once the transaction has committed.
   */
  async recordEvidence(sql: Sql, items: EvidenceInput[]): Promise<SuppressionEntry[]> {
    const rows = items.map(cleanEvidence).filter((r): r is EvidenceRow => r !== null);
    if (rows.length === 0) return [];
    const now = this.#now();
    await insertEvidence(sql, rows, now);
    const rules = this.#rules;
    if (rules.hardBounces <= 0 && rules.softBounces <= 0 && rules.complaints <= 0) return [];
    const ago = (days: number) => (days > 0 ? new Date(now.getTime() - days * DAY_MS) : null);
    const tallies = await tallyEvidence(sql, [...new Set(rows.map((r) => r.recipientHash))], {
      hard: ago(rules.expiryDays),
      complaint: ago(rules.expiryDays),
      soft: ago(rules.softWindowDays),
    });
    const byHash = new Map<string, Tally[]>();
    for (const t of tallies) byHash.set(t.recipientHash, [...(byHash.get(t.recipientHash) ?? []), t]);
    const expiresAt = rules.expiryDays > 0 ? new Date(now.getTime() + rules.expiryDays * DAY_MS) : null;
    const created = [...byHash].flatMap(([recipientHash, hashTallies]) => {
      const found = verdict(hashTallies, rules);
      return found ? [{ recipientHash, address: null, scope: '', ...found, expiresAt, createdBy: null }] : [];
    });
    if (created.length === 0) return [];
    return upsertEntries(sql, created, now, 'expired');
  }

  /** Makes entries written in a committed transaction visible to match() at once. */
  remember(entries: SuppressionEntry[]): void {
    if (entries.length === 0) return;
    this.#localChanges++;
    for (const e of entries) this.#put(e);
  }

  /**
   * Suppresses an address by hand, for everyone or one scope; replaces an
   * entry of the same address and scope. Throws SuppressionError INVALID_INPUT.
   */
  async add(input: { address: string; reason: string; scope?: string; expiresAt?: Date | null; by?: string | null }): Promise<SuppressionEntry> {
    const { recipientHash, address } = parseRecipient(input.address, this.#hash);
    if (address === null) throw invalid('a suppression added by hand needs the address, not its hash');
    const scope = parseScope(input.scope);
    const reason = parseReason(input.reason);
    const now = this.#now();
    const expiresAt = input.expiresAt ?? null;
    if (expiresAt !== null && (!(expiresAt instanceof Date) || Number.isNaN(expiresAt.getTime()))) throw invalid('bad expiry date');
    if (expiresAt !== null && expiresAt.getTime() <= now.getTime()) throw invalid('the expiry date is in the past');
    const by = input.by ?? null;
    if (by !== null && (typeof by !== 'string' || CONTROL.test(by) || by.length > 200)) throw invalid('bad author name');
    const [entry] = await upsertEntries(
      this.#db,
      [{ recipientHash, address, scope, source: 'manual', reason, expiresAt, createdBy: by }],
      now,
      'always',
    );
    this.remember([entry!]);
    return entry!;
  }

  /**
   * Removes the entries for an address (every scope when `scope` is
   * undefined). Removing its global entry (or all) also forgets its bounce
   * evidence: the admin says the address works, so old bounces must not
   * suppress it again. Returns how many entries were removed.
   */
  async remove(address: string, scope?: string): Promise<number> {
    const { recipientHash } = parseRecipient(address, this.#hash);
    const only = scope === undefined ? null : parseScope(scope);
    const removed = await this.#db.transaction(async (tx) => {
      const rows = await tx.query<{ scope: string }>(
        `delete from suppression where recipient_hash = ? ${only === null ? '' : 'and scope = ?'} returning scope`,
        only === null ? [recipientHash] : [recipientHash, only],
      );
      if (only === null || only === '') await tx.query('delete from bounce_evidence where recipient_hash = ?', [recipientHash]);
      return rows.map((r) => r.scope);
    });
    this.#localChanges++;
    const scopes = this.#entries.get(recipientHash);
    for (const s of removed) scopes?.delete(s);
    if (scopes?.size === 0) this.#entries.delete(recipientHash);
    return removed.length;
  }

  /** Active entries, newest first. Throws SuppressionError INVALID_INPUT for a bad limit or source. */
  async list(options: { limit?: number; source?: string } = {}): Promise<SuppressionEntry[]> {
    const { limit, source } = options;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw invalid('the limit must be a positive whole number');
    if (source !== undefined && !SOURCES.includes(source as SuppressionSource)) {
      throw invalid(`unknown source ${quote(source)}: use ${SOURCES.join(', ')}`);
    }
    return selectActive(this.#db, this.#now(), source === undefined ? { limit } : { where: 'source = ?', params: [source], limit });
  }

  /** What the relay knows of one address (or `hash:<hex>`): entries, evidence, outcomes, last success. */
  async check(address: string): Promise<SuppressionCheck> {
    const { recipientHash } = parseRecipient(address, this.#hash);
    const entries = await selectActive(this.#db, this.#now(), { where: 'recipient_hash = ?', params: [recipientHash] });
    return { recipientHash, entries, ...(await selectHistory(this.#db, recipientHash)) };
  }
}

