// Bounce intelligence: suppressions and the evidence behind them, alerts,
// sender ids for returns tokens, outcomes by category, complaints and the last
// successful delivery per recipient hash. Recipient columns are keyed hashes
// (docs/address-hash.md); plaintext only where an admin typed it.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261128130000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table suppression (
      id bigserial primary key,
      recipient_hash text not null,
      address text,
      scope text not null default '',
      source text not null,
      reason text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz,
      created_by text,
      unique (recipient_hash, scope))`);
    this.addSql(`create table bounce_evidence (
      id bigserial primary key,
      recipient_hash text not null,
      kind text not null,
      category text not null,
      enhanced text,
      observed_at timestamptz not null default now())`);
    this.addSql('create index bounce_evidence_hash_idx on bounce_evidence (recipient_hash, kind, observed_at)');
    this.addSql(`create table alert (
      id bigserial primary key,
      kind text not null,
      subject text not null,
      detail jsonb not null default '{}',
      dedupe_key text unique,
      raised_at timestamptz not null default now(),
      acknowledged_at timestamptz,
      acknowledged_by text)`);
    this.addSql('create table sender_address (id serial primary key, address text not null unique)');
    this.addSql(`create table sender_category_stat (
      sender text not null, bucket timestamptz not null, outcome text not null, category text not null,
      count int not null default 0, primary key (sender, bucket, outcome, category))`);
    this.addSql(`create table recipient_category_stat (
      recipient_hash text not null, bucket timestamptz not null, outcome text not null, category text not null,
      count int not null default 0, primary key (recipient_hash, bucket, outcome, category))`);
    this.addSql('alter table sender_stat add column complaints int not null default 0');
    this.addSql('alter table recipient_stat add column complaints int not null default 0');
    this.addSql('create table recipient_last_success (recipient_hash text primary key, delivered_on timestamptz not null)');
  }
}
