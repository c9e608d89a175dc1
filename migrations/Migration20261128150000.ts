// Traffic spikes and quotas (relay-core/anomaly): per-minute message counts of
// each sender key and node, learned hourly baselines, senders on hold, and
// hourly/daily quotas on SMTP users. Counts only: no table here names a
// recipient or a destination domain (DESIGN.md principle 2).
import { Migration } from '@mikro-orm/migrations';

export class Migration20261128150000 extends Migration {
  override async up(): Promise<void> {
    // `domains`: how many distinct destination domains the node saw from the
    // sender in that minute's hour so far; never which.
    this.addSql(`create table sender_volume (
      sender_key text not null,
      node_id text not null,
      minute timestamptz not null,
      messages integer not null default 0,
      domains integer not null default 0,
      primary key (sender_key, minute, node_id))`);
    this.addSql('create index sender_volume_minute_idx on sender_volume (minute)');
    this.addSql(`create table sender_baseline (
      sender_key text primary key,
      hours integer not null,
      learned_through timestamptz not null,
      volume_mean double precision not null,
      volume_dev double precision not null,
      volume_peak double precision not null,
      domains_mean double precision not null,
      domains_dev double precision not null,
      domains_peak double precision not null,
      updated_at timestamptz not null default now())`);
    this.addSql(`create table sender_hold (
      id bigserial primary key,
      sender_key text not null,
      reason text not null,
      source text not null check (source in ('spike', 'manual')),
      since timestamptz not null default now(),
      held_by text,
      released_at timestamptz,
      released_by text)`);
    this.addSql('create unique index sender_hold_active_idx on sender_hold (sender_key) where released_at is null');
    this.addSql('alter table smtp_user add column quota_per_hour integer check (quota_per_hour > 0)');
    this.addSql('alter table smtp_user add column quota_per_day integer check (quota_per_day > 0)');
  }
}
