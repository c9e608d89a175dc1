// Blacklists: envelope senders and recipients an admin refuses at submission.
// A pattern is an address (user@example.org) or a whole domain
// (@example.org), spelled like a user's allowed senders. Submission checks
// them on every MAIL and RCPT, so they are matched from memory: loaded at
// start, reloaded after each change made here and every refreshMs (changes
// made on another node show up within that time).
import { isSenderAllowed, normalizeSenderPattern } from '../auth/index.ts';
import type { Db } from '../db/index.ts';

/** `sender`: refused at MAIL FROM; `recipient`: refused at RCPT TO. */
export type BlacklistKind = 'sender' | 'recipient';

export interface BlacklistEntry {
  kind: BlacklistKind;
  pattern: string;
  reason: string;
  createdAt: Date;
}

/** A refused blacklist change; `message` is safe to show to whoever asked. */
export class BlacklistError extends Error {
  readonly code: 'INVALID_INPUT' | 'CONFLICT';

  constructor(code: 'INVALID_INPUT' | 'CONFLICT', message: string) {
    super(message);
    this.code = code;
  }
}

const KINDS: readonly BlacklistKind[] = ['sender', 'recipient'];
const MAX_REASON_CHARS = 200;

function checkKind(kind: string): BlacklistKind {
  if (!KINDS.includes(kind as BlacklistKind)) throw new BlacklistError('INVALID_INPUT', `unknown list "${kind}": use sender or recipient`);
  return kind as BlacklistKind;
}

function checkPattern(pattern: string): string {
  const normalized = normalizeSenderPattern(pattern);
  if (normalized === null) {
    throw new BlacklistError('INVALID_INPUT', `bad pattern "${pattern}": use an address (user@example.org) or a whole domain (@example.org)`);
  }
  return normalized;
}

export class BlacklistService {
  readonly #db: Db;
  readonly #refreshMs: number;
  #entries: BlacklistEntry[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(options: { db: Db; refreshMs?: number }) {
    this.#db = options.db;
    this.#refreshMs = options.refreshMs ?? 5000;
  }

  /** Loads the lists and keeps reloading them until stop(). */
  async start(): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(() => void this.refresh().catch(() => undefined), this.#refreshMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async refresh(): Promise<void> {
    this.#entries = await this.list();
  }

  /** The entry that refuses `address` on this list, or null. Matched from memory. */
  match(kind: BlacklistKind, address: string): BlacklistEntry | null {
    return this.#entries.find((e) => e.kind === kind && isSenderAllowed([e.pattern], address)) ?? null;
  }

  async add(kind: string, pattern: string, reason: string): Promise<BlacklistEntry> {
    const k = checkKind(kind);
    const p = checkPattern(pattern);
    const why = reason.replace(/[\x00-\x1f\x7f]+/g, ' ').trim();
    if (!why) throw new BlacklistError('INVALID_INPUT', 'a reason is required: it is shown to whoever is refused');
    if (why.length > MAX_REASON_CHARS) throw new BlacklistError('INVALID_INPUT', `the reason is longer than ${MAX_REASON_CHARS} characters`);
    const rows = await this.#db.query<{ created_at: Date }>(
      'insert into blacklist_entry (kind, pattern, reason) values (?, ?, ?) on conflict (kind, pattern) do nothing returning created_at',
      [k, p, why],
    );
    if (rows.length === 0) throw new BlacklistError('CONFLICT', `${p} is on the ${k} blacklist already`);
    await this.refresh();
    return { kind: k, pattern: p, reason: why, createdAt: new Date(rows[0]!.created_at) };
  }

  /** False when there was no such entry. */
  async remove(kind: string, pattern: string): Promise<boolean> {
    const rows = await this.#db.query('delete from blacklist_entry where kind = ? and pattern = ? returning id', [
      checkKind(kind),
      checkPattern(pattern),
    ]);
    await this.refresh();
    return rows.length > 0;
  }

  async list(): Promise<BlacklistEntry[]> {
    const rows = await this.#db.query<{ kind: BlacklistKind; pattern: string; reason: string; created_at: Date }>(
      'select kind, pattern, reason, created_at from blacklist_entry order by kind, pattern',
    );
    return rows.map((r) => ({ kind: r.kind, pattern: r.pattern, reason: r.reason, createdAt: new Date(r.created_at) }));
  }
}
