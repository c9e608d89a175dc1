// What the submission listener needs from the rest of relais, as narrow
// interfaces: the queue, the user store, the admin's lists, the returns
// address. server/ passes the real services; nothing here imports them.
import type { Cidr } from '../config/index.ts';

export interface SubmissionQueue {
  enqueue(msg: { mailFrom: string; submittedBy: string | null; rcptTo: string[]; body: Buffer }): Promise<string>;
}

/** The admin's blacklists (relay-core/policy), matched from memory. */
export interface SubmissionBlacklist {
  match(kind: 'sender' | 'recipient', address: string): { pattern: string; reason: string } | null;
}

/** The suppression list (relay-core/policy), matched from memory at RCPT. */
export interface SubmissionSuppressions {
  match(recipient: string, sender: { login: string | null; mailFrom: string }): { scope: string; reason: string; createdAt: Date; expiresAt: Date | null } | null;
}

/** Federated suppression (relay-core/federation): hashes the recipient (slow on purpose, cached) and looks its verdict up. */
export interface SubmissionFederation {
  check(recipient: string): Promise<{ code: number; text: string } | null>;
}

/** A recipient that is the returns address, bare or with its token. */
export type ReturnsRecipient = { kind: 'bare' } | { kind: 'token'; token: string };

/** The returns address (relay-core/returns): reports sent to it are processed, not queued. */
export interface SubmissionReturns {
  recognize(rcpt: string): ReturnsRecipient | null;
  /** Clients that may hand reports over without AUTH; empty: any. */
  allowedFrom: Cidr[];
  /** Throws only on a temporary failure (answered 451). */
  process(recipients: ReturnsRecipient[], body: Buffer): Promise<{ isApplied: boolean; summary: string }>;
}

/**
 * Traffic-spike holds, throttling and quotas (relay-core/anomaly). Both calls
 * are synchronous and answered from memory: they run for every message.
 */
export interface SubmissionGate {
  /** At MAIL FROM: a reply (4xx) refusing this sender for now, or null. `login` is null without AUTH. */
  check(sender: { login: string | null; mailFrom: string; client: string }): { code: number; text: string } | null;
  /** After the queue committed a message; must not throw. */
  accepted(info: { login: string | null; mailFrom: string; rcptTo: string[] }): void;
}

export interface SubmissionUsers {
  authenticate(login: string, password: string): Promise<{ login: string; allowedSenders: string[] } | null>;
}
