// The wire format of cross-node events (notify.ts): limits, the packet sent
// in one NOTIFY, and the helpers to encode it.
import type pg from 'pg';
import type { EventType } from './bus.ts';

/** PostgreSQL's default limit: a NOTIFY payload "must be shorter than 8000 bytes". */
export const MAX_NOTIFY_BYTES = 7999;
/** Longest string kept in an event that had to be cut down. */
export const TRUNCATED_STRING_CHARS = [1000, 100];
/** Notifications sent by one statement. */
export const PACKETS_PER_STATEMENT = 100;
/** Remote senders remembered for duplicate detection (one per node run). */
export const REMEMBERED_RUNS = 1000;

/** Every event type: one received from another node is republished only if known here. */
export const EVENT_TYPES: Record<EventType, true> = {
  'message.received': true,
  'recipient.delivered': true,
  'recipient.deferred': true,
  'recipient.bounced': true,
  'recipient.expired': true,
  'recipient.complained': true,
  'message.deleted': true,
  'alert.raised': true,
};

export interface Packet {
  v: 1;
  /** Node id. */
  n: string;
  /** Run id: random per EventRelay, so a restarted node is a new sender. */
  r: string;
  /** Sequence number, per run. */
  s: number;
  e: { t: string; p: Record<string, unknown> }[];
}

/** JSON with every non-ASCII character escaped: its length is its size in bytes. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Ends a client, giving up waiting after `ms` (a half-open connection may never answer). */
export async function closeWithin(client: pg.Client, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([client.end(), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]).finally(() => clearTimeout(timer));
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
