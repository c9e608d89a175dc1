// Blacklists: sender and recipient patterns (an address, or @domain) an
// admin refuses at submission, each with a reason. Entered by hand, so kept
// in plaintext.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261128100000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table blacklist_entry (
      id bigserial primary key,
      kind text not null check (kind in ('sender', 'recipient')),
      pattern text not null,
      reason text not null,
      created_at timestamptz not null default now(),
      unique (kind, pattern))`);
  }
}
