import { createHash, createHmac, randomBytes, scryptSync } from 'node:crypto';
import { domainToASCII } from 'node:url';
import type { Sql } from '../db/index.ts';

/** Trim, Unicode NFC, lower-case, IDN domain to ASCII: one spelling per mailbox. */
export function normalizeAddress(address: string): string {
  const trimmed = address.trim().normalize('NFC').toLowerCase();
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
 * Versions of the address hash. The key is always a parameter; a scheme, once
 * published, never changes (docs/address-hash.md).
 * - `l1`: the relay's local hash, keyed by its own secret.
 * - `f1`: the federation hash, keyed by the network key; slow on purpose.
 */
export type AddressHashScheme = 'l1' | 'f1';

const SCHEMES: Record<AddressHashScheme, (normalized: string, key: Buffer) => Buffer> = {
  // 96 bits: keyed, so nobody can craft collisions, and short enough to travel
  // inside a returns token that must fit a 64-octet local part.
  l1: (normalized, key) => createHmac('sha256', key).update(normalized, 'utf8').digest().subarray(0, 12),
  // These hashes travel to other relays: without the network key no guess can
  // be tested at all, and with it each guess costs one scrypt (measured in
  // docs/address-hash.md).
  f1: (normalized, key) => scryptSync(normalized, createHash('sha256').update('relais-federation-address-f1\n').update(key).digest(), 16, {
    N: 1024, r: 8, p: 1,
  }),
};

/** The hash of an address under one scheme and key, in lower-case hex. Never throws. */
export function hashAddress(address: string, key: Buffer, scheme: AddressHashScheme = 'l1'): string {
  return SCHEMES[scheme](normalizeAddress(address), key).toString('hex');
}

/**
 * The local keyed hash with the relay's secret bound in: recipient-side
 * tables hold this, so without the secret nobody can test a guessed address.
 */
export type AddressHasher = (address: string) => string;

export function addressHasher(secret: Buffer): AddressHasher {
  return (address) => hashAddress(address, secret, 'l1');
}

/**
 * A secret of the relay, kept in the database so that every node sharing it
 * agrees; generated on first use.
 */
export async function loadRelaySecret(sql: Sql, name = 'address_hash_secret'): Promise<Buffer> {
  await sql.query('insert into relay_setting (name, value) values (?, ?) on conflict (name) do nothing', [
    name,
    randomBytes(32).toString('base64'),
  ]);
  const rows = await sql.query<{ value: string }>('select value from relay_setting where name = ?', [name]);
  return Buffer.from(rows[0]!.value, 'base64');
}

/**
 * The text with every spelling of `address` (any case) replaced by
 * `recipient`: remote replies often quote the address, and the attempt log,
 * which outlives the message, must not become a plaintext recipient list.
 */
export function redactAddress(text: string, address: string): string {
  const trimmed = address.trim();
  if (!trimmed) return text;
  const escaped = trimmed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(escaped, 'gi'), 'recipient');
}
