// policy — what the relay refuses before it accepts: the admin's blacklists
// of senders and recipients, checked at MAIL and RCPT, and the suppression
// list of recipients (automatic from bounce and complaint evidence, which the
// queue records through it in its own transaction, or added by an admin for
// everyone, one SMTP user or one sender domain). It does not answer SMTP
// itself (submission/ does, with the entry's reason) nor classify replies
// (bounces/ does). Emits no events. Config keys read (through server/):
// suppression.hardBounces, softBounces, softWindowDays, complaints, expiryDays.
export { BlacklistError, BlacklistService } from './blacklist.ts';
export type { BlacklistEntry, BlacklistKind } from './blacklist.ts';
export { SuppressionError, SuppressionService } from './suppression.ts';
export type {
  EvidenceInput, EvidenceKind, SuppressionCheck, SuppressionEntry, SuppressionRules, SuppressionSource,
} from './suppression.ts';
