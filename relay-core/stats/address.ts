import { createHmac, randomBytes } from 'node:crypto';
import { domainToASCII } from 'node:url';
import type { Sql } from '../db/index.ts';

/** Trim, lower-case, IDN domain to ASCII: one spelling per mailbox. */
export function normalizeAddress(address: string): string {
  const trimmed = address.trim().toLowerCase();
  const at = trimmed.lastIndexOf('@');
  if (at < 0) return trimmed;
  const domain = domainToASCII(trimmed.slice(at + 1)) || trimmed.slice(at + 1);
  return `${trimmed.slice(0, at)}@${domain}`;
}

/** The domain part of an address, lower-case ASCII. */
export function domainOf(address: string): string {
  const normalized = normalizeAddress(address);
  return normalized.slice(normalized.lastIndexOf('@') + 1);
}

/**
 * Keyed hash of a recipient address for local counters: without the relay's
 * secret nobody can test a guessed address against the table.
 */
export type AddressHasher = (address: string) => string;

export function addressHasher(secret: Buffer): AddressHasher {
  return (address) => createHmac('sha256', secret).update(normalizeAddress(address)).digest('hex').slice(0, 32);
}

/**
 * The relay's local secret, kept in the database so that every node sharing
 * it hashes alike; generated on first use.
 */
export async function loadRelaySecret(sql: Sql, name = 'address_hash_secret'): Promise<Buffer> {
  await sql.query('insert into relay_setting (name, value) values (?, ?) on conflict (name) do nothing', [
    name,
    randomBytes(32).toString('base64'),
  ]);
  const rows = await sql.query<{ value: string }>('select value from relay_setting where name = ?', [name]);
  return Buffer.from(rows[0]!.value, 'base64');
}
