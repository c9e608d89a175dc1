// The database inspection behind "no plaintext list of recipients": every row
// of every table, as JSON, must not contain any of the given addresses.
import { expect } from 'vitest';
import type { Db } from '../../relay-core/db/index.ts';

export async function expectNoPlaintextRecipients(db: Db, recipients: string[], except: string[] = []): Promise<void> {
  const tables = (await db.query<{ tablename: string }>("select tablename from pg_tables where schemaname = 'public'"))
    .map((t) => t.tablename)
    .filter((t) => !except.includes(t));
  for (const table of tables) {
    for (const row of await db.query(`select * from ${table}`)) {
      const text = JSON.stringify(row).toLowerCase();
      for (const r of recipients) expect(text, `${table} names recipient ${r}`).not.toContain(r.toLowerCase());
    }
  }
}
