// Relay core: users, the queue (messages, recipients, attempts), counters kept
// per sender and per recipient separately, and the event outbox.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261128000000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table relay_setting (
      name text primary key,
      value text not null)`);

    this.addSql(`create table smtp_user (
      login text primary key,
      password_hash text not null,
      allowed_senders jsonb not null default '[]',
      is_disabled boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now())`);

    this.addSql(`create table message (
      id text primary key,
      mail_from text not null,
      submitted_by text,
      size_bytes integer not null,
      body bytea,
      is_dsn boolean not null default false,
      received_at timestamptz not null default now())`);

    this.addSql(`create table recipient (
      id bigserial primary key,
      message_id text not null references message(id) on delete cascade,
      rcpt_to text not null,
      domain text not null,
      state text not null check (state in ('queued','active','deferred','held','delivered','bounced','expired')),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null default now(),
      lease_owner text,
      lease_until timestamptz,
      lease_epoch integer not null default 0,
      last_code integer,
      last_enhanced text,
      last_text text,
      last_mx text,
      last_tls boolean,
      last_attempt_at timestamptz,
      created_at timestamptz not null default now())`);
    this.addSql(`create index recipient_due_idx on recipient (next_attempt_at) where state in ('queued','deferred')`);
    this.addSql(`create index recipient_lease_idx on recipient (lease_until) where state = 'active'`);
    this.addSql(`create index recipient_message_idx on recipient (message_id)`);

    // Every attempt's reply, keyed by recipient hash: no link to the message or
    // its sender, so it outlives the message (DESIGN.md principle 2).
    this.addSql(`create table attempt (
      id bigserial primary key,
      recipient_hash text not null,
      domain text not null,
      at timestamptz not null default now(),
      outcome text not null,
      mx_host text,
      is_tls boolean,
      code integer,
      enhanced text,
      text text)`);
    this.addSql(`create index attempt_recipient_idx on attempt (recipient_hash, at)`);

    // Counters: per sender, per recipient (hashed) and per destination domain,
    // never per pair (DESIGN.md principle 2).
    for (const [table, key, bucket] of [
      ['sender_stat', 'sender text not null', 'hour'],
      ['recipient_stat', 'recipient_hash text not null', 'day'],
      ['destination_stat', 'domain text not null', 'hour'],
    ] as const) {
      this.addSql(`create table ${table} (
        ${key},
        bucket timestamptz not null,
        received integer not null default 0,
        delivered integer not null default 0,
        deferred integer not null default 0,
        bounced integer not null default 0,
        expired integer not null default 0,
        primary key (${key.split(' ')[0]}, bucket))`);
      this.addSql(`comment on table ${table} is 'counters bucketed by ${bucket}'`);
    }

    this.addSql(`create table event (
      id bigserial primary key,
      type text not null,
      at timestamptz not null default now(),
      payload jsonb not null default '{}')`);
  }
}
