// The signed federation event, version 1: one relay's observation about one
// hashed address, signed by that relay so it can travel through other relays
// unchanged. The format is a published spec; a change is a new version.
//
//   {"addr":"f1:<32 hex>","at":<unix s>,"code":"5.1.1","kind":"hard_bounce",
//    "origin":"<relay id>","seq":<n>,"sig":"<base64url>","v":1}
//
// Signed bytes: UTF-8 of "relais-federation-event-v1\n" + RFC 8785 canonical
// JSON of the event without "sig". They are rebuilt from the parsed values,
// so key order and white space in the text do not matter; what does is that
// the text says one thing to every reader, hence the strict parser.
import { canonicalJson, parseStrictJson, StrictJsonError } from './canonical.ts';
import { isFederationId, verifySignature } from './identity.ts';

/** What the origin saw. */
export type FederationEventKind =
  /** A permanent failure that says the mailbox or domain does not exist or is disabled. */
  | 'hard_bounce'
  /** A temporary failure (mailbox full, greylisting left unresolved…). */
  | 'soft_bounce'
  /** The recipient reported a message as spam. */
  | 'complaint'
  /** A delivery succeeded again: withdraws the origin's earlier claims on the address. */
  | 'recovered';

export interface FederationEvent {
  v: 1;
  /** The observing relay's id. */
  origin: string;
  /** The origin's sequence number, from 1. */
  seq: number;
  kind: FederationEventKind;
  /** Federation hash of the address, `f1:<32 hex>`. */
  addr: string;
  /** Enhanced status of the reply (`5.1.1`), or ''. */
  code: string;
  /** When the origin observed it, unix seconds. */
  at: number;
}

export interface ParsedEvent {
  event: FederationEvent;
  signature: Buffer;
  /** What the origin signed, rebuilt from the parsed event. */
  signedBytes: Buffer;
}

/** Why an event text was refused, before any signature check. */
export type EventFormatReason =
  /** Over 1024 UTF-8 bytes. */
  | 'too-large'
  /** Not strict JSON. */
  | 'not-json'
  /** A key appears twice (compared after unescaping). */
  | 'duplicate-key'
  /** A field holds an object or array. */
  | 'too-deep'
  /** The JSON value is not an object. */
  | 'not-an-object'
  /** A key outside the version 1 fields. */
  | 'unknown-field'
  /** A version 1 field is absent. */
  | 'missing-field'
  /** A field has the wrong type or form. */
  | 'bad-field'
  /** `v` is a number other than 1. */
  | 'unsupported-version';

export class EventFormatError extends Error {
  readonly reason: EventFormatReason;

  constructor(reason: EventFormatReason, message: string) {
    super(message);
    this.name = 'EventFormatError';
    this.reason = reason;
  }
}

const SIGNED_PREFIX = 'relais-federation-event-v1\n';
const MAX_TEXT_BYTES = 1024;
const KINDS: ReadonlySet<string> = new Set<FederationEventKind>(['hard_bounce', 'soft_bounce', 'complaint', 'recovered']);
const FIELDS: readonly string[] = ['v', 'origin', 'seq', 'kind', 'addr', 'code', 'at', 'sig'];
const ADDR = /^f1:[0-9a-f]{32}$/;
// RFC 3463 enhanced status: class, subject (1-3 digits), detail (1-3 digits).
const CODE = /^[245]\.\d{1,3}\.\d{1,3}$/;
const SIG = /^[A-Za-z0-9_-]{86}$/;

/** Signs a new event of `identity`; `text` is what travels (canonical JSON with "sig"). */
export function signEvent(
  identity: { id: string; sign(message: Buffer): Buffer },
  fields: Omit<FederationEvent, 'v' | 'origin'>,
): { event: FederationEvent; text: string } {
  const event: FederationEvent = {
    v: 1, origin: identity.id, seq: fields.seq, kind: fields.kind, addr: fields.addr, code: fields.code, at: fields.at,
  };
  // What we sign must be what every reader accepts.
  for (const field of FIELDS) if (field !== 'sig') checkField(event as unknown as Record<string, unknown>, field);
  const signature = identity.sign(signedBytesOf(event));
  if (signature.length !== 64) throw new TypeError('signEvent: an ed25519 signature is 64 bytes');
  return { event, text: canonicalJson({ ...event, sig: signature.toString('base64url') }) };
}

/**
 * Reads a signed event and checks its form, not its signature (verifyEvent
 * does). Throws EventFormatError, whose message names the field at fault.
 */
export function parseSignedEvent(text: string): ParsedEvent {
  // UTF-8 never takes fewer bytes than UTF-16 code units: no need to encode a huge text to refuse it.
  if (text.length > MAX_TEXT_BYTES || Buffer.byteLength(text, 'utf8') > MAX_TEXT_BYTES) {
    throw new EventFormatError('too-large', `event over ${MAX_TEXT_BYTES} bytes`);
  }
  let value: unknown;
  try {
    value = parseStrictJson(text, { maxDepth: 1 });
  } catch (err) {
    if (err instanceof StrictJsonError) throw new EventFormatError(err.reason, `event: ${err.message}`);
    throw err;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EventFormatError('not-an-object', 'event: not a JSON object');
  }
  const record = value as Record<string, unknown>;
  // Checked first, so that a later version with other fields is named as such.
  if (Object.hasOwn(record, 'v') && typeof record.v === 'number' && record.v !== 1) {
    throw new EventFormatError('unsupported-version', `event: version ${canonicalJson(record.v)} is not supported (only 1)`);
  }
  for (const key of Object.keys(record)) {
    if (!FIELDS.includes(key)) throw new EventFormatError('unknown-field', `event: unknown field ${JSON.stringify(key.slice(0, 40))}`);
  }
  for (const field of FIELDS) {
    if (!Object.hasOwn(record, field)) throw new EventFormatError('missing-field', `event: missing field "${field}"`);
  }
  for (const field of FIELDS) checkField(record, field);
  const event: FederationEvent = {
    v: 1,
    origin: record.origin as string,
    seq: record.seq as number,
    kind: record.kind as FederationEventKind,
    addr: record.addr as string,
    code: record.code as string,
    // "-0" is a valid spelling of 0 (and signs as 0): keep it out of the event.
    at: (record.at as number) + 0,
  };
  return { event, signature: Buffer.from(record.sig as string, 'base64url'), signedBytes: signedBytesOf(event) };
}

/** Whether the event's origin signed it. */
export function verifyEvent(parsed: ParsedEvent): boolean {
  return verifySignature(parsed.event.origin, parsed.signedBytes, parsed.signature);
}

function signedBytesOf(event: FederationEvent): Buffer {
  const { v, origin, seq, kind, addr, code, at } = event;
  return Buffer.from(SIGNED_PREFIX + canonicalJson({ v, origin, seq, kind, addr, code, at }), 'utf8');
}

function checkField(record: Record<string, unknown>, field: string): void {
  const value = record[field];
  let expected: string | null = null;
  switch (field) {
    case 'v':
      if (value !== 1) expected = 'the number 1';
      break;
    case 'origin':
      if (!isFederationId(value)) expected = 'a relay id (43 base64url characters)';
      break;
    case 'seq':
      if (!Number.isSafeInteger(value) || (value as number) < 1) expected = 'an integer from 1 to 2^53-1';
      break;
    case 'kind':
      if (typeof value !== 'string' || !KINDS.has(value)) expected = `one of ${[...KINDS].join(', ')}`;
      break;
    case 'addr':
      if (typeof value !== 'string' || !ADDR.test(value)) expected = '"f1:" and 32 lower-case hex digits';
      break;
    case 'code':
      if (typeof value !== 'string' || (value !== '' && !CODE.test(value))) expected = 'an enhanced status code (5.1.1) or ""';
      break;
    case 'at':
      if (!Number.isSafeInteger(value) || (value as number) < 0) expected = 'unix seconds, an integer from 0';
      break;
    case 'sig':
      if (typeof value !== 'string' || !SIG.test(value) || Buffer.from(value, 'base64url').toString('base64url') !== value) {
        expected = 'a 64-byte signature in base64url without padding (86 characters)';
      }
      break;
  }
  if (expected !== null) throw new EventFormatError('bad-field', `event: field "${field}" must be ${expected}`);
}
