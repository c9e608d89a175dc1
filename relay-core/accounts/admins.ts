// Admin accounts of the HTTPS API and console: a login and a scrypt-hashed
// password, like SMTP users but in a table of their own, so a mail account
// can never become an admin by accident.
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/index.ts';
import { hashPassword, verifyPassword } from '../auth/index.ts';
import { AccountError } from './errors.ts';

const LOGIN = /^[a-z0-9][a-z0-9._@+-]{0,127}$/;
const MAX_PASSWORD_LENGTH = 1024;
/** An admin password guards every mailbox's mail flow: no short ones. */
const MIN_PASSWORD_LENGTH = 10;

export interface AdminSummary {
  login: string;
  isDisabled: boolean;
  createdAt: Date;
}

export function checkAccountLogin(login: string): string {
  const normalized = login.trim().toLowerCase();
  if (!LOGIN.test(normalized)) {
    throw new AccountError('INVALID_INPUT', `bad login "${login.slice(0, 60)}": use 1-128 letters, digits and . _ @ + -, starting with a letter or digit`);
  }
  return normalized;
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new AccountError('INVALID_INPUT', `an admin password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH) throw new AccountError('INVALID_INPUT', `the password is longer than ${MAX_PASSWORD_LENGTH} characters`);
  if (/[\0\r\n]/.test(password)) throw new AccountError('INVALID_INPUT', 'the password contains a NUL or line break');
}

export class AdminAccounts {
  readonly #db: Db;
  #decoyHash: Promise<string> | undefined;

  constructor(options: { db: Db }) {
    this.#db = options.db;
  }

  async add(login: string, password: string): Promise<AdminSummary> {
    const normalized = checkAccountLogin(login);
    checkPassword(password);
    const rows = await this.#db.query<{ created_at: Date }>(
      'insert into admin_account (login, password_hash) values (?, ?) on conflict (login) do nothing returning created_at',
      [normalized, await hashPassword(password)],
    );
    if (rows.length === 0) throw new AccountError('CONFLICT', `admin ${normalized} already exists`);
    return { login: normalized, isDisabled: false, createdAt: new Date(rows[0]!.created_at) };
  }

  async list(): Promise<AdminSummary[]> {
    const rows = await this.#db.query<{ login: string; is_disabled: boolean; created_at: Date }>(
      'select login, is_disabled, created_at from admin_account order by login',
    );
    return rows.map((r) => ({ login: r.login, isDisabled: Boolean(r.is_disabled), createdAt: new Date(r.created_at) }));
  }

  async setPassword(login: string, password: string): Promise<boolean> {
    checkPassword(password);
    const rows = await this.#db.query('update admin_account set password_hash = ? where login = ? returning login', [
      await hashPassword(password), checkAccountLogin(login),
    ]);
    return rows.length > 0;
  }

  async setDisabled(login: string, isDisabled: boolean): Promise<boolean> {
    const rows = await this.#db.query('update admin_account set is_disabled = ? where login = ? returning login', [isDisabled, checkAccountLogin(login)]);
    return rows.length > 0;
  }

  async remove(login: string): Promise<boolean> {
    return (await this.#db.query('delete from admin_account where login = ? returning login', [checkAccountLogin(login)])).length > 0;
  }

  /** The admin, or null; costs a full password check whether or not the login exists. */
  async authenticate(login: string, password: string): Promise<{ login: string } | null> {
    const normalized = login.trim().toLowerCase();
    const rows = LOGIN.test(normalized) && password.length <= MAX_PASSWORD_LENGTH
      ? await this.#db.query<{ password_hash: string; is_disabled: boolean }>('select password_hash, is_disabled from admin_account where login = ?', [normalized])
      : [];
    const row = rows[0];
    const isMatch = await verifyPassword(password.slice(0, MAX_PASSWORD_LENGTH), row ? row.password_hash : await this.#decoy());
    return row && isMatch && !row.is_disabled ? { login: normalized } : null;
  }

  /** Whether an admin account with this login exists and is enabled. */
  async isActive(login: string): Promise<boolean> {
    const rows = await this.#db.query<{ is_disabled: boolean }>('select is_disabled from admin_account where login = ?', [login]);
    return rows.length > 0 && !rows[0]!.is_disabled;
  }

  #decoy(): Promise<string> {
    this.#decoyHash ??= hashPassword(randomBytes(16).toString('base64'));
    return this.#decoyHash;
  }
}
