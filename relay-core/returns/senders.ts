// Envelope senders by number, so a returns token can name the sender in four
// bytes. The table lists senders only (as the sender counters already do),
// never whom they wrote to.
import type { Sql } from '../db/index.ts';

export class SenderDirectory {
  readonly #sql: Sql;
  readonly #ids = new Map<string, number>();

  constructor(options: { sql: Sql }) {
    this.#sql = options.sql;
  }

  /** The id of an envelope sender (lower-cased), created on first use. */
  async idOf(address: string): Promise<number> {
    const key = address.trim().toLowerCase();
    const known = this.#ids.get(key);
    if (known !== undefined) return known;
    // "do update" so that RETURNING yields the row on conflict too.
    const rows = await this.#sql.query<{ id: number }>(
      'insert into sender_address (address) values (?) on conflict (address) do update set address = excluded.address returning id',
      [key],
    );
    const id = Number(rows[0]!.id);
    if (this.#ids.size > 100_000) this.#ids.clear();
    this.#ids.set(key, id);
    return id;
  }

  async addressOf(id: number): Promise<string | null> {
    const rows = await this.#sql.query<{ address: string }>('select address from sender_address where id = ?', [id]);
    return rows[0]?.address ?? null;
  }
}
