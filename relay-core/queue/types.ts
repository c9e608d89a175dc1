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

/** Which messages an admin command acts on: one queue id, or every message. */
export type QueueSelector = { messageId: string } | { all: true };
