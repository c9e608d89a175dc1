// The HTTPS API's accounts: admins, sessions (cookie) and API tokens. Secrets
// are stored hashed: a session id or token is shown once and never kept.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261128140000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table admin_account (
      login text primary key,
      password_hash text not null,
      is_disabled boolean not null default false,
      created_at timestamptz not null default now())`);
    this.addSql(`create table api_session (
      id_hash text primary key,
      subject_kind text not null,
      subject text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null)`);
    this.addSql('create index api_session_expiry_idx on api_session (expires_at)');
    this.addSql(`create table api_token (
      id bigserial primary key,
      name text not null,
      token_hash text not null unique,
      scope text not null,
      created_by text not null,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz)`);
  }
}
