// Delay warnings: a recipient's sender is warned once that it is still being
// retried (Postfix delay_warning_time).
import { Migration } from '@mikro-orm/migrations';

export class Migration20261128110000 extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table recipient add column is_delay_warned boolean not null default false');
  }
}
