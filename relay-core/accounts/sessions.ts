// Login sessions of the console and API: a random id in an HttpOnly cookie,
// stored hashed with its subject and expiry. Mail users may log in too (to
// see their own stats and queue); what each may do is decided by the API.
import type { Db } from '../db/index.ts';
import { isSecretShaped, newSecret, secretHash } from './secrets.ts';

export interface SessionSubject {
  kind: 'admin' | 'user';
  login: string;
}

const PREFIX = 'rss_';

export class SessionStore {
  readonly #db: Db;
  readonly #lifetimeMs: number;
  readonly #now: () => Date;

  constructor(options: { db: Db; lifetimeHours: number; now?: () => Date }) {
    this.#db = options.db;
    this.#lifetimeMs = options.lifetimeHours * 3_600_000;
    this.#now = options.now ?? (() => new Date());
  }

  async create(subject: SessionSubject): Promise<{ id: string; expiresAt: Date }> {
    const id = newSecret(PREFIX);
    const expiresAt = new Date(this.#now().getTime() + this.#lifetimeMs);
    await this.#db.query('insert into api_session (id_hash, subject_kind, subject, expires_at) values (?, ?, ?, ?)', [
      secretHash(id), subject.kind, subject.login, expiresAt,
    ]);
    // Old sessions go on the way: no timer needed.
    await this.#db.query('delete from api_session where expires_at < ?', [this.#now()]);
    return { id, expiresAt };
  }

  async resolve(id: string): Promise<(SessionSubject & { expiresAt: Date }) | null> {
    if (!isSecretShaped(id, PREFIX)) return null;
    const rows = await this.#db.query<{ subject_kind: 'admin' | 'user'; subject: string; expires_at: Date }>(
      'select subject_kind, subject, expires_at from api_session where id_hash = ? and expires_at > ?',
      [secretHash(id), this.#now()],
    );
    const row = rows[0];
    return row ? { kind: row.subject_kind, login: row.subject, expiresAt: new Date(row.expires_at) } : null;
  }

  async destroy(id: string): Promise<void> {
    if (isSecretShaped(id, PREFIX)) await this.#db.query('delete from api_session where id_hash = ?', [secretHash(id)]);
  }

  /** Ends every session of a subject (password change, account disabled). */
  async destroyAll(subject: SessionSubject): Promise<void> {
    await this.#db.query('delete from api_session where subject_kind = ? and subject = ?', [subject.kind, subject.login]);
  }
}
