// The category of each attempt's reply (relay-core/bounces classification).
import { Migration } from '@mikro-orm/migrations';

export class Migration20261128120000 extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table attempt add column category text');
  }
}
