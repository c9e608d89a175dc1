// The returns address: outgoing mail carries `returns+TOKEN@<returns domain>`
// as its envelope sender (VERP), so a late bounce or a complaint names the
// message it is about without relais storing any sender–recipient record.
//
// TOKEN, 29 bytes in lower-case base32 (47 characters; local parts are
// case-folded by some MTAs, and `returns+` plus the token fits the 64-octet
// limit of RFC 5321 §4.5.3.1.1):
//   version (1) | expiry, hours since 1970 (4) | sender id (4) |
//   recipient hash, scheme l1 (12) | MAC (8)
// MAC = first 8 bytes of HMAC-SHA256(key, "relais-returns-v1" | first 21 bytes).
// Nothing in the token is readable without the relay's secrets: the sender is
// an id in the relay's own table, the recipient a keyed hash.
import { createHmac, timingSafeEqual } from 'node:crypto';

const VERSION = 1;
const BODY_BYTES = 21;
const MAC_BYTES = 8;
const TOKEN_BYTES = BODY_BYTES + MAC_BYTES;
const HASH_BYTES = 12;
const DOMAIN_SEPARATION = Buffer.from('relais-returns-v1');
const HOUR_MS = 3_600_000;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

function unbase32(text: string): Buffer | null {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of text) {
    const digit = ALPHABET.indexOf(char);
    if (digit < 0) return null;
    value = ((value << 5) | digit) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** What a token says, once its MAC and expiry are checked. */
export interface ReturnsTokenData {
  /** Id of the original envelope sender in the relay's sender table. */
  senderId: number;
  /** l1 hash of the original recipient (hex). */
  recipientHash: string;
  expiresAt: Date;
}

export type TokenCheck =
  | { ok: true; data: ReturnsTokenData }
  | { ok: false; reason: 'malformed' | 'bad signature' | 'expired' };

/** How a recipient address relates to the returns address. */
export type ReturnsRecipient = { kind: 'bare' } | { kind: 'token'; token: string };

export interface ReturnsAddressOptions {
  /** `returns@example.org`: the local part and domain of every returns address. */
  address: string;
  /** Secret for the MAC (the relay's, shared by its nodes). */
  key: Buffer;
  lifetimeDays: number;
  now?: () => Date;
}

export class ReturnsAddress {
  readonly #local: string;
  readonly #domain: string;
  readonly #key: Buffer;
  readonly #lifetimeMs: number;
  readonly #now: () => Date;

  constructor(options: ReturnsAddressOptions) {
    const at = options.address.lastIndexOf('@');
    this.#local = options.address.slice(0, at).toLowerCase();
    this.#domain = options.address.slice(at + 1).toLowerCase();
    this.#key = options.key;
    this.#lifetimeMs = options.lifetimeDays * 24 * HOUR_MS;
    this.#now = options.now ?? (() => new Date());
  }

  get address(): string {
    return `${this.#local}@${this.#domain}`;
  }

  /** The envelope sender for one recipient of one sender's message. */
  envelopeFor(senderId: number, recipientHash: string): string {
    const body = Buffer.alloc(BODY_BYTES);
    body.writeUInt8(VERSION, 0);
    body.writeUInt32BE(Math.ceil((this.#now().getTime() + this.#lifetimeMs) / HOUR_MS), 1);
    body.writeUInt32BE(senderId, 5);
    Buffer.from(recipientHash, 'hex').copy(body, 9, 0, HASH_BYTES);
    return `${this.#local}+${base32(Buffer.concat([body, this.#mac(body)]))}@${this.#domain}`;
  }

  /** Whether `rcpt` is the returns address (`bare`), one with a token, or neither (null). */
  recognize(rcpt: string): ReturnsRecipient | null {
    const lower = rcpt.trim().toLowerCase();
    const at = lower.lastIndexOf('@');
    if (at < 0 || lower.slice(at + 1) !== this.#domain) return null;
    const local = lower.slice(0, at);
    if (local === this.#local) return { kind: 'bare' };
    if (local.startsWith(`${this.#local}+`)) return { kind: 'token', token: local.slice(this.#local.length + 1) };
    return null;
  }

  /** Checks a token's form, MAC and expiry. */
  check(token: string): TokenCheck {
    if (token.length !== Math.ceil((TOKEN_BYTES * 8) / 5)) return { ok: false, reason: 'malformed' };
    const bytes = unbase32(token.toLowerCase());
    if (!bytes || bytes.length !== TOKEN_BYTES || bytes[0] !== VERSION) return { ok: false, reason: 'malformed' };
    const body = bytes.subarray(0, BODY_BYTES);
    if (!timingSafeEqual(bytes.subarray(BODY_BYTES), this.#mac(body))) return { ok: false, reason: 'bad signature' };
    const expiresAt = new Date(body.readUInt32BE(1) * HOUR_MS);
    if (expiresAt.getTime() <= this.#now().getTime()) return { ok: false, reason: 'expired' };
    return {
      ok: true,
      data: { senderId: body.readUInt32BE(5), recipientHash: body.subarray(9, 9 + HASH_BYTES).toString('hex'), expiresAt },
    };
  }

  #mac(body: Buffer): Buffer {
    return createHmac('sha256', this.#key).update(DOMAIN_SEPARATION).update(body).digest().subarray(0, MAC_BYTES);
  }
}
