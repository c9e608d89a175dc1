// Local SMTP users: hashed passwords and the senders each may use, in the
// smtp_user table. Logins are case-insensitive and stored lower-case.
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/index.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { normalizeSenderPattern } from './senders.ts';

export type UserErrorCode = 'INVALID_INPUT' | 'CONFLICT';

/** A refused user change; `message` is safe to show to whoever asked for it. */
export class UserError extends Error {
  readonly code: UserErrorCode;

  constructor(code: UserErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export interface UserSummary {
  login: string;
  allowedSenders: string[];
  isDisabled: boolean;
  createdAt: Date;
  /** Messages the user may submit per clock hour and per day (UTC); null: no quota. */
  quotaPerHour: number | null;
  quotaPerDay: number | null;
}

/** A quota change: a whole number of messages, null for none, absent to keep the current one. */
export interface QuotaChange {
  perHour?: number | null;
  perDay?: number | null;
}

const MAX_QUOTA = 10_000_000;

/** What a successful AUTH knows about the user. */
export interface AuthenticatedUser {
  login: string;
  allowedSenders: string[];
}

const LOGIN = /^[a-z0-9][a-z0-9._@+-]{0,127}$/;
/** Bounds the scrypt input; no human types more. */
const MAX_PASSWORD_LENGTH = 1024;

function checkLogin(login: string): string {
  const normalized = login.trim().toLowerCase();
  if (!LOGIN.test(normalized)) {
    throw new UserError('INVALID_INPUT', `bad login "${login}": use 1-128 letters, digits and . _ @ + -, starting with a letter or digit`);
  }
  return normalized;
}

function checkPassword(password: string): void {
  if (password.length === 0) throw new UserError('INVALID_INPUT', 'the password is empty');
  if (password.length > MAX_PASSWORD_LENGTH) throw new UserError('INVALID_INPUT', `the password is longer than ${MAX_PASSWORD_LENGTH} characters`);
  // AUTH PLAIN separates its fields with NUL: such a password could never log in.
  if (/[\0\r\n]/.test(password)) throw new UserError('INVALID_INPUT', 'the password contains a NUL or line break');
}

function checkSenders(senders: string[]): string[] {
  if (senders.length === 0) throw new UserError('INVALID_INPUT', 'at least one allowed sender (user@domain or @domain) is needed');
  const out: string[] = [];
  for (const sender of senders) {
    const normalized = normalizeSenderPattern(sender);
    if (normalized === null) {
      throw new UserError('INVALID_INPUT', `bad sender pattern "${sender}": use a full address (user@example.org) or a whole domain (@example.org)`);
    }
    if (!out.includes(normalized)) out.push(normalized);
  }
  return out;
}

function checkQuota(name: string, value: number | null): number | null {
  if (value !== null && (!Number.isSafeInteger(value) || value < 1 || value > MAX_QUOTA)) {
    throw new UserError('INVALID_INPUT', `bad ${name} quota "${value}": use a whole number of messages from 1 to ${MAX_QUOTA}, or none`);
  }
  return value;
}

/** jsonb comes back parsed from pg and PGlite; a string is tolerated all the same. */
function sendersOf(value: unknown): string[] {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  return Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === 'string') : [];
}

export class UserService {
  readonly #db: Db;
  /** Hash that unknown logins are checked against, so they cost as much as known ones. */
  #decoyHash: Promise<string> | undefined;

  constructor(options: { db: Db }) {
    this.#db = options.db;
  }

  /** Creates a user. Throws UserError: INVALID_INPUT (bad login, password or sender), CONFLICT (login taken). */
  async add(login: string, password: string, allowedSenders: string[]): Promise<void> {
    const normalized = checkLogin(login);
    checkPassword(password);
    const senders = checkSenders(allowedSenders);
    const rows = await this.#db.query<{ login: string }>(
      `insert into smtp_user (login, password_hash, allowed_senders) values (?, ?, ?::jsonb)
       on conflict (login) do nothing returning login`,
      [normalized, await hashPassword(password), JSON.stringify(senders)],
    );
    if (rows.length === 0) throw new UserError('CONFLICT', `login "${normalized}" exists already`);
  }

  /** False when there was no such user. */
  async remove(login: string): Promise<boolean> {
    const rows = await this.#db.query('delete from smtp_user where login = ? returning login', [login.trim().toLowerCase()]);
    return rows.length > 0;
  }

  async list(): Promise<UserSummary[]> {
    const rows = await this.#db.query<{
      login: string; allowed_senders: unknown; is_disabled: boolean; created_at: Date; quota_per_hour: number | null; quota_per_day: number | null;
    }>('select login, allowed_senders, is_disabled, created_at, quota_per_hour, quota_per_day from smtp_user order by login');
    return rows.map((r) => ({
      login: r.login,
      allowedSenders: sendersOf(r.allowed_senders),
      isDisabled: Boolean(r.is_disabled),
      createdAt: new Date(r.created_at),
      quotaPerHour: r.quota_per_hour === null ? null : Number(r.quota_per_hour),
      quotaPerDay: r.quota_per_day === null ? null : Number(r.quota_per_day),
    }));
  }

  /** Sets the user's hourly and/or daily quota. False when there is no such user. Throws UserError INVALID_INPUT for a bad number. */
  async setQuotas(login: string, change: QuotaChange): Promise<boolean> {
    const sets: string[] = [];
    const params: unknown[] = [];
    for (const [column, name, value] of [['quota_per_hour', 'hourly', change.perHour], ['quota_per_day', 'daily', change.perDay]] as const) {
      if (value === undefined) continue;
      sets.push(`${column} = ?`);
      params.push(checkQuota(name, value));
    }
    const rows = await this.#db.query(`update smtp_user set ${[...sets, 'updated_at = now()'].join(', ')} where login = ? returning login`, [
      ...params,
      login.trim().toLowerCase(),
    ]);
    return rows.length > 0;
  }

  /** False when there is no such user. Throws UserError INVALID_INPUT for an unusable password. */
  async setPassword(login: string, password: string): Promise<boolean> {
    checkPassword(password);
    const rows = await this.#db.query('update smtp_user set password_hash = ?, updated_at = now() where login = ? returning login', [
      await hashPassword(password),
      login.trim().toLowerCase(),
    ]);
    return rows.length > 0;
  }

  /** Replaces the user's sender list. False when there is no such user. */
  async setAllowedSenders(login: string, allowedSenders: string[]): Promise<boolean> {
    const senders = checkSenders(allowedSenders);
    const rows = await this.#db.query(
      'update smtp_user set allowed_senders = ?::jsonb, updated_at = now() where login = ? returning login',
      [JSON.stringify(senders), login.trim().toLowerCase()],
    );
    return rows.length > 0;
  }

  /** A disabled user keeps its settings but cannot log in. False when there is no such user. */
  async setDisabled(login: string, isDisabled: boolean): Promise<boolean> {
    const rows = await this.#db.query('update smtp_user set is_disabled = ?, updated_at = now() where login = ? returning login', [
      isDisabled,
      login.trim().toLowerCase(),
    ]);
    return rows.length > 0;
  }

  /**
   * The user when the login exists, is enabled and the password matches;
   * null otherwise. Every outcome costs one scrypt, so response time does not
   * tell whether a login exists.
   */
  async authenticate(login: string, password: string): Promise<AuthenticatedUser | null> {
    const normalized = login.trim().toLowerCase();
    const rows = LOGIN.test(normalized)
      ? await this.#db.query<{ password_hash: string; allowed_senders: unknown; is_disabled: boolean }>(
          'select password_hash, allowed_senders, is_disabled from smtp_user where login = ?',
          [normalized],
        )
      : [];
    const row = rows[0];
    const isMatch = await verifyPassword(password, row ? row.password_hash : await this.#decoy());
    if (!row || !isMatch || row.is_disabled) return null;
    return { login: normalized, allowedSenders: sendersOf(row.allowed_senders) };
  }

  /** Whether this login exists and is enabled (a disabled user's API session ends with it). */
  async isActive(login: string): Promise<boolean> {
    const rows = await this.#db.query<{ is_disabled: boolean }>('select is_disabled from smtp_user where login = ?', [login]);
    return rows.length > 0 && !rows[0]!.is_disabled;
  }

  #decoy(): Promise<string> {
    this.#decoyHash ??= hashPassword(randomBytes(16).toString('base64'));
    return this.#decoyHash;
  }
}
