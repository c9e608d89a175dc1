import type { Reply } from '../bounces/index.ts';

/**
 * - `queued`: waiting for its first attempt.
 * - `active`: claimed by a delivery worker under a lease.
 * - `deferred`: failed temporarily, waiting for `nextAttemptAt`.
 * - `held`: put aside by an admin; never tried until released.
 * - `delivered` | `bounced` | `expired`: final (the row is removed with its message).
 */
export type RecipientState = 'queued' | 'active' | 'deferred' | 'held' | 'delivered' | 'bounced' | 'expired';

export interface NewMessage {
  /** Envelope sender; '' is the null sender (DSNs). */
  mailFrom: string;
  /** Login of the submitting user, null for trusted networks and DSNs. */
  submittedBy: string | null;
  rcptTo: string[];
  body: Buffer;
  isDsn?: boolean;
}

/** One recipient leased to a delivery worker. */
export interface Claim {
  recipientId: string;
  messageId: string;
  rcptTo: string;
  domain: string;
  /** Fencing token: only the holder of the latest epoch may record an outcome. */
  epoch: number;
  attempts: number;
  mailFrom: string;
  /** Login of the submitting user, null for trusted networks and DSNs. */
  submittedBy: string | null;
  receivedAt: Date;
  leaseUntil: Date;
  /** Whether the sender was already warned that this recipient is delayed. */
  isDelayWarned: boolean;
  /** The message body, when it came with the claim (small messages: on one claim per message). */
  body?: Buffer;
}

/** What one delivery attempt to one recipient came to. */
export interface AttemptResult {
  claim: Claim;
  reply: Reply;
  /** The MX host (name) that answered, null when none was reached. */
  mxHost: string | null;
  isTls: boolean | null;
  /** Force a final bounce regardless of the code (null MX, NXDOMAIN). */
  isPermanent?: boolean;
}

export interface QueuedRecipient {
  id: string;
  rcptTo: string;
  state: RecipientState;
  attempts: number;
  nextAttemptAt: Date;
  lastReply: Reply | null;
  lastMx: string | null;
  lastTls: boolean | null;
  lastAttemptAt: Date | null;
}

export interface QueuedMessage {
  id: string;
  mailFrom: string;
  submittedBy: string | null;
  sizeBytes: number;
  receivedAt: Date;
  recipients: QueuedRecipient[];
}

/**
 * Which messages a listing or an admin command looks at. Every condition
 * given must hold; none given: every message. `messageId`, `sender`,
 * `submittedBy` and `olderThanMs` are about the message; `state` and `domain`
 * about its recipients: a message matches when one recipient is in that state
 * at that domain, and retry/hold/release touch only such recipients.
 */
export interface QueueFilter {
  /** Recipients in this state. */
  state?: RecipientState;
  /** One queue id. */
  messageId?: string;
  /** Envelope sender, exact, case-insensitive; '' is the null sender (DSNs). */
  sender?: string;
  /** Login of the submitting user (case-insensitive); null: mail submitted without AUTH (trusted networks, DSNs). */
  submittedBy?: string | null;
  /** Recipients at this destination domain (case-insensitive). */
  domain?: string;
  /** Messages received more than this long ago. */
  olderThanMs?: number;
}

/**
 * Which messages an admin command acts on:
 * - `{ messageId }`: one message;
 * - `{ all: true }`: every message;
 * - `{ filter }`: the messages (and recipients) a QueueFilter matches, in bulk.
 */
export type QueueSelector = { messageId: string } | { all: true } | { filter: QueueFilter };

/** A page of QueueAdmin.list(): the filter, how many messages, and where the previous page ended. */
export interface QueueListOptions extends QueueFilter {
  /** Most messages returned (each with all its recipients); default 1000, at most 10000. */
  limit?: number;
  /**
   * Cursor: the id of the last message of the previous page. Pages are
   * ordered by (receivedAt, id); when that message has left the queue since,
   * the page starts at the time written in its id (a few messages may show
   * twice, none is skipped while the clocks of nodes and database agree).
   */
  after?: string;
}
